#include "grid_services.h"

#if defined(ESP32)
#include <WiFi.h>
#else
#include <ESP8266WiFi.h>
#endif

#include <cstring>

#include "p1/output/freshness.h"
#include "p1/output/sunspec_meter.h"
#include "scratch.h"

namespace {
constexpr uint32_t kModbusStallMs = 2000;  // a client stopped inside a request: dropped
}  // namespace

void GridServices::begin(const p1::Settings& settings, const String&) {
  sunspec_ = std::strcmp(settings.get(p1::SettingId::kSunSpec), "1") == 0;
  shelly_ = std::strcmp(settings.get(p1::SettingId::kShelly), "1") == 0;
  uint8_t mac[6];
  WiFi.macAddress(mac);
  snprintf_P(serial_, sizeof serial_, PSTR("%02x%02x%02x%02x%02x%02x"), mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
  snprintf_P(device_id_, sizeof device_id_, PSTR("shellypro3em-%s"), serial_);
  if (sunspec_) modbus_server_.begin();
  if (shelly_) udp_.begin(kShellyUdpPort);
}

void GridServices::on_reading(const p1::Reading& reading, uint32_t now_ms) {
  if (!sunspec_ && !shelly_) return;
  values_ = p1::GridValues(reading);
  taken_ms_ = now_ms;
  have_ = true;
}

const p1::GridValues* GridServices::current(uint32_t now_ms) const {
  if (!have_ || !p1::reading_is_fresh(now_ms - taken_ms_, kStaleAfterS)) return nullptr;
  return &values_;
}

void GridServices::loop(uint32_t now_ms) {
  if (sunspec_) serve_modbus(now_ms);
  if (shelly_) serve_udp(now_ms);
}

void GridServices::serve_modbus(uint32_t now_ms) {
  if (modbus_server_.hasClient()) {
    // The newest client wins: an inverter that reconnects after a WiFi
    // drop must not wait for its old, dead connection to time out.
    modbus_client_ = modbus_server_.accept();
    framer_.reset();
  }
  if (!modbus_client_ || !modbus_client_.connected()) return;
  uint8_t chunk[32];
  while (modbus_client_.available() > 0) {
    int n = modbus_client_.read(chunk, sizeof chunk);
    if (n <= 0) break;
    last_byte_ms_ = now_ms;
    p1::ByteSpan rest(chunk, static_cast<size_t>(n));
    while (!rest.empty()) {
      p1::ModbusTcpRequest request;
      p1::ModbusTcpFeed feed = framer_.feed(rest, request);
      if (feed.error != p1::ModbusTcpError::kNone) {
        modbus_client_.stop();  // not Modbus: libmodbus drops such a client too
        return;
      }
      rest = rest.subspan(feed.consumed);
      if (!feed.complete) continue;
      ScratchServe& s = scratch().serve;
      const p1::GridValues* values = current(now_ms);
      p1::SunSpecIdentity identity;
      identity.serial = serial_;
      identity.version = "0.1.0";
      identity.unit_id = kUnitId;
      p1::build_sunspec_meter(values != nullptr ? *values : p1::GridValues(), identity,
                              p1::Span<uint16_t>(s.modbus.image, p1::kSunSpecRegisterCount));
      p1::ModbusTcpAnswer a = p1::modbus_tcp_answer(
          request, p1::Span<const uint16_t>(s.modbus.image, p1::kSunSpecRegisterCount), p1::kSunSpecBaseRegister,
          kUnitId, p1::MutableByteSpan(s.modbus.adu, sizeof s.modbus.adu));
      if (a.length > 0) modbus_client_.write(s.modbus.adu, a.length);
    }
  }
  if (framer_.pending() > 0 && now_ms - last_byte_ms_ > kModbusStallMs) modbus_client_.stop();
}

int GridServices::shelly_http(const char* method, uint64_t component, uint32_t now_ms, p1::CharSpan out) {
  ScratchServe& s = scratch().serve;
  p1::ShellyIdentity identity;
  identity.device_id = device_id_;
  identity.mac = serial_;
  p1::Span<const char> name(method, std::strlen(method));
  p1::ShellyAnswer a = p1::shelly_answer(p1::shelly_method(name), name, component, current(now_ms), identity,
                                         p1::CharSpan(s.shelly.answer, sizeof s.shelly.answer));
  size_t n = 0;
  int status = a.too_small ? 500 : a.http_status();
  if (a.too_small) {
    n = 0;
  } else if (a.code == 0) {
    n = a.length < out.size() ? a.length : out.size() - 1;
    std::memcpy(out.data(), s.shelly.answer, n);
  } else {
    auto json = p1::shelly_error_json(a, p1::Span<const char>(s.shelly.answer, a.length), out.first(out.size() - 1));
    n = json ? *json : 0;
  }
  out[n] = '\0';
  return status;
}

void GridServices::serve_udp(uint32_t now_ms) {
  int size = udp_.parsePacket();
  if (size <= 0) return;
  ScratchServe& s = scratch().serve;
  if (size > static_cast<int>(sizeof s.shelly.frame)) {
    udp_.flush();  // longer than any request: not answered
    return;
  }
  int n = udp_.read(s.shelly.frame, sizeof s.shelly.frame);
  if (n <= 0) return;
  p1::ShellyRpcRequest rpc;
  if (p1::parse_shelly_rpc(p1::Span<const char>(s.shelly.frame, static_cast<size_t>(n)), rpc) !=
      p1::ShellyRpcError::kNone) {
    return;  // nothing to answer to: no id to put in a reply
  }
  p1::ShellyIdentity identity;
  identity.device_id = device_id_;
  identity.mac = serial_;
  p1::Span<const char> name(rpc.method_name, rpc.method_length);
  p1::ShellyAnswer a = p1::shelly_answer(rpc.method, name, rpc.component, current(now_ms), identity,
                                         p1::CharSpan(s.shelly.answer, sizeof s.shelly.answer));
  if (a.too_small) return;
  auto r = p1::shelly_rpc_reply(rpc, device_id_, a, p1::Span<const char>(s.shelly.answer, a.length),
                                p1::CharSpan(s.shelly.frame, sizeof s.shelly.frame));
  if (!r) return;
  udp_.beginPacket(udp_.remoteIP(), udp_.remotePort());
  udp_.write(reinterpret_cast<const uint8_t*>(s.shelly.frame), *r);
  udp_.endPacket();
}

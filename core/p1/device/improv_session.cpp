#include "p1/device/improv_session.h"

#include <cstring>

namespace p1 {

void ImprovSession::send_state(uint8_t state) {
  uint8_t packet[16];
  state_ = state;
  device_.send_packet(ByteSpan(packet, build_improv_state(state, MutableByteSpan(packet, sizeof packet))));
}

void ImprovSession::send_error(uint8_t error) {
  uint8_t packet[16];
  device_.send_packet(ByteSpan(packet, build_improv_error(error, MutableByteSpan(packet, sizeof packet))));
}

void ImprovSession::on_event(const ImprovParser::Event& e, uint32_t now_ms) {
  if (e.kind == ImprovParser::Event::Kind::kInvalid) {
    send_error(improv::kInvalidRpc);
    return;
  }
  if (e.kind != ImprovParser::Event::Kind::kCommand) return;
  switch (e.command) {
    case improv::kWifiSettings:
      if (e.ssid[0] == '\0') {
        send_error(improv::kInvalidRpc);
        return;
      }
      std::memcpy(ssid_, e.ssid, sizeof ssid_);
      std::memcpy(password_, e.password, sizeof password_);
      send_error(improv::kNoError);  // clears an earlier error, as the specification asks
      send_state(improv::kProvisioning);
      deadline_ms_ = now_ms + kConnectTimeoutMs;
      device_.connect(ssid_, password_);
      return;
    case improv::kGetCurrentState:
      send_state(state_);
      return;
    case improv::kGetDeviceInfo: {
      const char* info[4] = {"", "", "", ""};
      device_.device_info(info);
      uint8_t packet[160];
      const char* const strings[4] = {info[0], info[1], info[2], info[3]};
      device_.send_packet(ByteSpan(packet, build_improv_rpc_result(e.command, Span<const char* const>(strings),
                                                                   MutableByteSpan(packet, sizeof packet))));
      return;
    }
    default:
      send_error(improv::kUnknownRpc);
  }
}

ImprovSession::Outcome ImprovSession::tick(uint32_t now_ms) {
  if (state_ != improv::kProvisioning) return Outcome::kNone;
  if (device_.connected()) {
    send_state(improv::kProvisioned);
    char url[64] = {};
    device_.url(CharSpan(url, sizeof url - 1));
    const char* const urls[1] = {url};
    uint8_t packet[96];
    device_.send_packet(ByteSpan(packet, build_improv_rpc_result(improv::kWifiSettings, Span<const char* const>(urls),
                                                                 MutableByteSpan(packet, sizeof packet))));
    return Outcome::kProvisioned;
  }
  if (static_cast<int32_t>(now_ms - deadline_ms_) >= 0) {
    send_error(improv::kUnableToConnect);
    state_ = improv::kAuthorized;
    std::memset(password_, 0, sizeof password_);
    return Outcome::kFailed;
  }
  return Outcome::kNone;
}

}  // namespace p1

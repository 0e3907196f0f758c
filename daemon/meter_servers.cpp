#include "meter_servers.h"

#include <cstdio>

#include "p1/dlms/obis.h"
#include "p1/output/freshness.h"
#include "version.h"

namespace p1d {

namespace {
// A stable, locally administered "MAC" for the emulated Shelly, from the
// meter's name: the same device to its clients across restarts.
std::string device_hex(const std::string& name) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (char c : "p1bridge/" + name) h = (h ^ static_cast<uint8_t>(c)) * 1099511628211ull;
  char hex[13];
  std::snprintf(hex, sizeof hex, "02%010llX", static_cast<unsigned long long>(h & 0xFFFFFFFFFFull));
  return hex;
}
}  // namespace

MeterServers::MeterServers(const MeterConfig& meter) : meter_(meter), serial_(meter.name) {
  if (meter_.sunspec) {
    sunspec_ = std::make_unique<SunSpecServer>(meter_.serve_bind, meter_.sunspec_port,
                                              static_cast<uint8_t>(meter_.sunspec_unit_id));
  }
  if (meter_.shelly) {
    shelly_ = std::make_unique<ShellyServer>(meter_.serve_bind, meter_.shelly_port, meter_.shelly_udp_port,
                                             static_cast<uint32_t>(meter_.stale_after), device_hex(meter_.name));
  }
}

std::string MeterServers::start() {
  std::string where = "meter " + meter_.name + ": ";
  if (sunspec_) {
    std::string error = sunspec_->start();
    if (!error.empty()) return where + error;
    publish_image(p1::GridValues());  // the models are there before the first reading
  }
  if (shelly_) {
    std::string error = shelly_->start();
    if (!error.empty()) return where + error;
  }
  return {};
}

void MeterServers::publish_image(const p1::GridValues& values) {
  if (!sunspec_) return;
  uint16_t image[p1::kSunSpecRegisterCount];
  p1::SunSpecIdentity id;
  id.serial = serial_.c_str();
  id.version = P1BRIDGE_VERSION;
  id.unit_id = static_cast<uint8_t>(meter_.sunspec_unit_id);
  p1::build_sunspec_meter(values, id, p1::Span<uint16_t>(image));
  sunspec_->set_image(image);
}

void MeterServers::on_reading(const p1::Reading& reading, const std::string& meter_number, int64_t now_ms) {
  if (!enabled()) return;
  serial_ = meter_number.empty() ? meter_.name : meter_number;
  p1::GridValues values(reading);
  reading_ms_ = now_ms;
  have_ = true;
  served_fresh_ = true;
  publish_image(values);
  if (shelly_) shelly_->update(values, now_ms);
}

void MeterServers::tick(int64_t now_ms) {
  if (!served_fresh_) return;
  if (have_ && p1::reading_is_fresh(static_cast<uint64_t>(now_ms - reading_ms_), static_cast<uint32_t>(meter_.stale_after))) return;
  served_fresh_ = false;
  publish_image(p1::GridValues());
}

void MeterServers::service_sunspec(int64_t now_ms) {
  tick(now_ms);  // never answer with values that went stale since the last pass
  if (sunspec_) sunspec_->service();
}

void MeterServers::service_shelly_udp(int64_t now_ms) {
  if (shelly_) shelly_->service_udp(now_ms);
}

}  // namespace p1d

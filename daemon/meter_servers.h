// What one meter serves to an inverter or battery that regulates on it: the
// SunSpec Modbus meter and the Shelly Pro 3EM emulation, both off unless
// configured. Takes every reading, keeps the register image current, and
// withholds the values once the meter has been silent for stale_after
// (p1/output/freshness.h).
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "config.h"
#include "p1/cosem/reading.h"
#include "p1/output/grid_values.h"
#include "p1/output/sunspec_meter.h"
#include "shelly_server.h"
#include "sunspec_server.h"

namespace p1d {

class MeterServers {
 public:
  explicit MeterServers(const MeterConfig& meter);
  bool enabled() const { return meter_.sunspec || meter_.shelly; }
  std::string start();  // "" or why a server could not start
  // Descriptors for the run loop (-1 when that server is off).
  int sunspec_fd() const { return sunspec_ ? sunspec_->fd() : -1; }
  int shelly_udp_fd() const { return shelly_ ? shelly_->udp_fd() : -1; }
  void on_reading(const p1::Reading& reading, const std::string& meter_number, int64_t now_ms);
  // Every loop pass: values turn unavailable as soon as they are stale.
  void tick(int64_t now_ms);
  void service_sunspec(int64_t now_ms);
  void service_shelly_udp(int64_t now_ms);

 private:
  void publish_image(const p1::GridValues& values);

  MeterConfig meter_;
  std::unique_ptr<SunSpecServer> sunspec_;
  std::unique_ptr<ShellyServer> shelly_;
  std::string serial_;
  int64_t reading_ms_ = 0;
  bool have_ = false;
  bool served_fresh_ = false;  // what the register image holds now
};

}  // namespace p1d

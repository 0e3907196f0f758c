// Quarter-hour demand of one meter inside `p1bridge run`: feeds the core's
// state machine (p1/demand/quarter_hour.h) with every reading, publishes
// <base>/demand (retained) through the delivery queue, announces its Home
// Assistant sensors, and keeps the state in <queue dir>/demand-<name>.state
// so a restart continues the quarter hour, the day's and the month's peaks.
//
// Published once there is a figure (a quarter hour ended, a running value,
// a peak): at once when a quarter hour ends, else at most every 10 s of the
// meter clock. Written when a quarter hour ends (at most once per quarter hour of the
// meter's clock) and once at a clean stop; a torn or corrupt file is logged
// and replaced by a fresh state, never read as figures.
#pragma once
#include <cstdint>
#include <string>

#include "config.h"
#include "message_queue.h"
#include "mqtt_client.h"
#include "p1/cosem/reading.h"
#include "p1/demand/quarter_hour.h"
#include "p1/output/ha_discovery.h"

namespace p1d {

class MeterDemand {
 public:
  // Between two running values (meter clock): the ends of quarter hours are
  // always published at once.
  static constexpr int64_t kRunningEverySeconds = 10;

  MeterDemand(const MeterConfig& meter, const Config& config);
  // Returns the messages it queued (0 or 1).
  uint64_t on_reading(const p1::Reading& reading, MessageQueue& queue);
  // Home Assistant sensors, once 1.8.0 was seen (`target` as for the values).
  void announce(MqttClient& mqtt, const p1::DiscoveryTarget& target) const;
  // At a clean stop: keeps the quarter hour in progress for the next start.
  void save();
  // The payload of <base>/demand; "null" before the first usable reading.
  const std::string& json() const { return json_; }

 private:
  void load();
  void render();
  bool has_figures() const;
  std::string name_, topic_, path_;
  const MqttConfig& mqtt_;
  p1::QuarterHourDemand demand_;
  std::string json_ = "null";
  bool published_ = false;
  int64_t published_at_ = 0;  // meter seconds of the last publication
  bool dirty_ = false;                 // changed since the file was written
};

}  // namespace p1d

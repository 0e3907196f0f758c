// Quarter-hour demand of one meter inside `p1bridge run`: feeds the core's
// state machine (p1/demand/quarter_hour.h) with every reading, publishes
// <base>/demand (retained) through the delivery queue, announces its Home
// Assistant sensors, and keeps the state in <queue dir>/demand-<name>.state
// so a restart continues the quarter hour, the day's and the month's peaks.
//
// When it publishes and writes is the core's DemandReporter (the device's
// rule too); a torn or corrupt file is logged and replaced by a fresh state,
// never read as figures.
#pragma once
#include <cstdint>
#include <string>

#include "config.h"
#include "history_store.h"
#include "message_queue.h"
#include "mqtt_client.h"
#include "p1/cosem/reading.h"
#include "p1/demand/demand_reporter.h"
#include "p1/output/ha_discovery.h"

namespace p1d {

class MeterDemand {
 public:
  MeterDemand(const MeterConfig& meter, const Config& config);
  // Returns the messages it queued (0 or 1).
  uint64_t on_reading(const p1::Reading& reading, MessageQueue& queue);
  // Home Assistant sensors, once 1.8.0 was seen (`target` as for the values).
  void announce(MqttClient& mqtt, const p1::DiscoveryTarget& target) const;
  // Each quarter hour that ends goes into the page's history (its peaks
  // panel), when the page or the API keeps one.
  void set_history(HistoryStore* history) { history_ = history; }
  // At a clean stop: keeps the quarter hour in progress for the next start.
  void save();
  // The payload of <base>/demand; "null" before the first usable reading.
  const std::string& json() const { return json_; }

 private:
  void load();
  void render();
  std::string name_, topic_, path_;
  const MqttConfig& mqtt_;
  p1::DemandReporter reporter_;
  HistoryStore* history_ = nullptr;
  std::string json_ = "null";
};

}  // namespace p1d

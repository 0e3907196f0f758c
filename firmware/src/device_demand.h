// Quarter-hour demand on the device: the core's DemandReporter (the Linux
// program's rule) fed with every reading, <base>/demand published retained
// (the latest figures: after an outage the current payload is sent, not each
// missed one), its Home Assistant sensors announced with the others, and the
// 232-byte state kept in /demand.state on LittleFS, written when a quarter
// hour ends (at most 96 times a day) so a power cut keeps the day's and the
// month's peaks.
#pragma once
#include <Arduino.h>

#include "device_history.h"
#include "mqtt_link.h"
#include "p1/base/span.h"
#include "p1/demand/demand_reporter.h"
#include "p1/output/ha_discovery.h"

class DeviceDemand {
 public:
  // `history` gets each quarter hour that ends (its peaks), or nullptr.
  void begin(const char* base_topic, DeviceHistory* history);
  void on_reading(const p1::Reading& reading);
  // Publishes and writes what on_reading() asked for, outside the reading's
  // callback (it renders into the scratch area).
  void loop(MqttLink& mqtt);
  // Before a restart: the quarter hour in progress is kept for the next start.
  void flush();
  void announce(MqttLink& mqtt, const p1::DiscoveryTarget& target, p1::CharSpan scratch);
  // The payload, or "null" before a first figure.
  size_t render(p1::CharSpan out) const;

 private:
  void write_state();
  p1::DemandReporter reporter_;
  DeviceHistory* history_ = nullptr;
  char topic_[72] = {};  // <base (64)>/demand
  bool publish_pending_ = false;
  bool save_pending_ = false;
};

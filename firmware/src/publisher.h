// Readings to MQTT messages with the same topics as the Linux program
// (<base>/json, <base>/w_p..., <base>/raw, <base>/status, discovery), held in
// a bounded RAM queue while the broker is away; what the bound drops is counted.
#pragma once
#include "mqtt_link.h"
#include "p1/pipeline/stream_counters.h"
#include "p1/cosem/reading.h"
#include "p1/device/settings/settings.h"

class Publisher {
 public:
  static constexpr size_t kSlots = 6;
  static constexpr size_t kTopicMax = 96;
  static constexpr size_t kPayloadMax = 768;

  void begin(const p1::Settings& settings, const String& node_id);
  void on_reading(const p1::Reading& reading, const String& ip, int rssi);
  // Sends what is queued; announces discovery after each (re)connect.
  void loop(MqttLink& mqtt);
  void publish_status(MqttLink& mqtt, const p1::StreamCounters& counters, uint32_t free_heap, uint32_t min_free_heap);
  // The status payload (the core's one builder), also for the web page.
  size_t render_status(const p1::StreamCounters& counters, uint32_t free_heap, uint32_t min_free_heap, p1::CharSpan out);
  uint32_t dropped() const { return dropped_; }
  uint32_t published() const { return published_; }
  size_t queued() const { return count_; }

 private:
  struct Slot {
    char topic[kTopicMax];
    char payload[kPayloadMax];
    bool retain;
  };
  void push(const char* topic, const char* payload, size_t length, bool retain);
  void announce(MqttLink& mqtt);

  Slot slots_[kSlots];
  size_t head_ = 0;
  size_t count_ = 0;
  uint32_t dropped_ = 0;
  uint32_t published_ = 0;
  uint32_t queued_ = 0;
  char base_[65] = {};
  char node_[24] = {};
  bool raw_ = false, topics_ = false, json_ = true, discovery_ = true;
  uint16_t fields_ = 0;  // gateway fields seen (bit per field)
  bool announced_ = false;
  char meter_number_[40] = {};
};

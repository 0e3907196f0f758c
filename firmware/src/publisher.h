// Readings to MQTT with the same topics as the Linux program (<base>/json,
// <base>/w_p..., <base>/raw, <base>/status, discovery). Store and forward:
// a reading waits as a compact record (the core's reading_record.h) in a RAM
// ring while the broker is away, and spills into a bounded journal in flash
// (record_journal.h on LittleFS) when the ring is full; it is rendered per
// output mode only when it is sent, in order, after the reconnect. What the
// bound drops is counted and published in the status.
#pragma once
#include "device_demand.h"
#include "journal_flash.h"
#include "mqtt_link.h"
#include "wifi_link.h"
#include "p1/cosem/reading.h"
#include "p1/device/settings/settings.h"
#include "p1/device/store_forward/record_journal.h"
#include "p1/device/store_forward/record_ring.h"
#include "p1/pipeline/stream_counters.h"

class Publisher {
 public:
  static constexpr size_t kRing = 512;  // a few readings in RAM; an outage spills to flash
  static constexpr size_t kJournalBytes = 1800u * 1024u;   // of the 2 MB file system (4m2m layout)
  static constexpr size_t kTopicMax = 96;

  void begin(const p1::Settings& settings, const String& node_id);
  // Its Home Assistant sensors are announced with the reading's.
  void set_demand(DeviceDemand* demand) { demand_ = demand; }
  void on_reading(const p1::Reading& reading);
  // Sends what is queued (a few messages per call, so loop() stays quick);
  // announces discovery after each (re)connect.
  void loop(MqttLink& mqtt, const WifiLink& wifi);
  void publish_status(MqttLink& mqtt, const p1::StreamCounters& counters, uint32_t free_heap, uint32_t min_free_heap);
  // The status payload (the core's one builder), also for the web page.
  size_t render_status(const p1::StreamCounters& counters, uint32_t free_heap, uint32_t min_free_heap, p1::CharSpan out);
  size_t queued_readings() const { return ring_.count() + journal_.count(); }

 private:
  enum class Sent : uint8_t { kSent, kNothing, kRefused };
  // Publishes part `part_` of the front reading; `last_part` when no part follows.
  Sent send_part(MqttLink& mqtt, const p1::Reading& reading, const WifiLink& wifi, bool& last_part);
  void announce(MqttLink& mqtt);

  uint8_t ring_storage_[kRing];
  p1::RecordRing ring_{p1::MutableByteSpan(ring_storage_, sizeof ring_storage_)};
  LittleFsJournalFile journal_file_;
  p1::RecordJournal journal_{journal_file_, kJournalBytes};
  uint16_t part_ = 0;  // messages of the front reading already sent
  uint32_t readings_ = 0;
  uint32_t published_ = 0;
  uint32_t dropped_ = 0;
  char base_[65] = {};
  char node_[24] = {};
  bool raw_ = false, topics_ = false, json_ = true, discovery_ = true;
  uint16_t fields_ = 0;  // gateway fields seen (bit per field)
  bool announced_ = false;
  char meter_number_[40] = {};
  DeviceDemand* demand_ = nullptr;
};

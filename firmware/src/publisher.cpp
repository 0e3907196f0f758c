#include "publisher.h"

#include <cstring>

#include "p1/cosem/gateway_fields.h"
#include "p1/device/store_forward/reading_record.h"
#include "p1/output/ha_discovery.h"
#include "p1/output/output_format.h"
#include "p1/output/status_json.h"
#include "scratch.h"

namespace {
constexpr int kMessagesPerLoop = 4;  // keeps loop() short while a backlog drains
}  // namespace

void Publisher::begin(const p1::Settings& s, const String& node_id) {
  std::strncpy(base_, s.get(p1::SettingId::kMqttBase), sizeof base_ - 1);
  std::strncpy(node_, node_id.c_str(), sizeof node_ - 1);
  const char* mode = s.get(p1::SettingId::kMessageMode);
  raw_ = std::strchr(mode, '0') != nullptr;
  topics_ = std::strchr(mode, '1') != nullptr;
  json_ = std::strchr(mode, '2') != nullptr;
  discovery_ = std::strcmp(s.get(p1::SettingId::kDiscovery), "1") == 0;
  journal_.open();  // a backlog from before a power cut is sent first
  if (journal_.torn_dropped()) Serial1.println(F("queue: a reading cut by a power failure was dropped"));
}

void Publisher::on_reading(const p1::Reading& reading) {
  ++readings_;
  ScratchPublish& s = scratch().publish;
  size_t n = p1::encode_reading(reading, raw_, p1::MutableByteSpan(s.record, sizeof s.record));
  if (n == 0) {
    ++dropped_;
    return;
  }
  p1::ByteSpan record(s.record, n);
  // Order is kept: once readings wait in flash, new ones queue behind them.
  if (!journal_.empty() || !ring_.push(record)) {
    if (!journal_.append(record)) ++dropped_;
  }
  uint16_t present = p1::GatewayValues(reading).present();
  if ((present & ~fields_) != 0) {
    fields_ = static_cast<uint16_t>(fields_ | present);
    announced_ = false;
  }
  if (const p1::ReadingValue* number = reading.find(p1::obis::kMeterNumber)) {
    auto t = p1::format_value_text(*number, p1::CharSpan(meter_number_, sizeof meter_number_ - 1));
    if (t) meter_number_[*t] = '\0';
  }
}

Publisher::Sent Publisher::send_part(MqttLink& mqtt, const p1::Reading& reading, const WifiLink& wifi, bool& last_part) {
  ScratchPublish& s = scratch().publish;
  char topic[kTopicMax];
  // Parts in order: raw, then each topic value, then JSON.
  uint16_t part = 0;
  last_part = false;
  if (raw_) {
    if (part_ == part) {
      auto n = p1::format_raw_hex(reading, p1::CharSpan(s.render, sizeof s.render - 1));
      snprintf_P(topic, sizeof topic, PSTR("%s/raw"), base_);
      if (!n) return Sent::kNothing;  // cannot be rendered: skipped, not retried forever
      s.render[*n] = '\0';
      return mqtt.publish(topic, s.render, false) ? Sent::kSent : Sent::kRefused;
    }
    ++part;
  }
  if (topics_) {
    p1::TopicValues values(reading);
    const char* field = nullptr;
    size_t length = 0;
    while (values.next(field, p1::CharSpan(s.render, sizeof s.render - 1), length)) {
      if (part_ == part) {
        s.render[length] = '\0';
        snprintf_P(topic, sizeof topic, PSTR("%s/%s"), base_, field);
        return mqtt.publish(topic, s.render, false) ? Sent::kSent : Sent::kRefused;
      }
      ++part;
    }
  }
  last_part = true;
  if (!json_) return Sent::kNothing;
  auto n = p1::format_json(reading, p1::CharSpan(s.render, sizeof s.render - 64));
  if (!n || *n == 0) return Sent::kNothing;
  // As the original gateway: the device's address and signal strength too.
  size_t at = *n - 1;  // before the closing brace
  snprintf_P(s.render + at, sizeof s.render - at, PSTR(",\"ip\":\"%s\",\"rssi\":%d}"), wifi.address().c_str(), wifi.rssi());
  snprintf_P(topic, sizeof topic, PSTR("%s/json"), base_);
  return mqtt.publish(topic, s.render, false) ? Sent::kSent : Sent::kRefused;
}

void Publisher::announce(MqttLink& mqtt) {
  char availability[96];
  snprintf_P(availability, sizeof availability, PSTR("%s/availability"), base_);
  mqtt.publish(availability, "online", true);
  if (!discovery_) return;
  p1::DiscoveryTarget target;
  target.base_topic = base_;
  target.node_id = node_;
  target.device_name = "p1bridge";
  target.per_field_topics = topics_ && !json_;
  target.availability_topic = availability;
  // Keyed by the meter's number once one was read, as the Linux program does,
  // so two devices (or a device and a Linux bridge) never share entities.
  if (meter_number_[0] != '\0') target.meter_number = meter_number_;
  ScratchPublish& s = scratch().publish;
  p1::Reading& reading = s.reading;
  reading.clear();
  if (meter_number_[0] != '\0') {
    p1::ReadingValue number;
    number.obis = p1::obis::kMeterNumber;
    number.kind = p1::ReadingValue::Kind::kText;
    number.text = p1::ByteSpan(reinterpret_cast<const uint8_t*>(meter_number_), std::strlen(meter_number_));
    reading.add(number);
  }
  char topic[128];
  for (size_t field = 0; field < p1::kGatewayFieldCount; ++field) {
    if ((fields_ & 1u << field) == 0) continue;
    auto t = p1::format_discovery_topic(target, field, p1::CharSpan(topic, sizeof topic - 1));
    auto p = p1::format_discovery_config(target, field, reading, p1::CharSpan(s.render, sizeof s.render - 1));
    if (!t || !p) continue;
    topic[*t] = '\0';
    s.render[*p] = '\0';
    mqtt.publish(topic, s.render, true);
  }
  if (demand_ != nullptr) demand_->announce(mqtt, target, p1::CharSpan(s.render, sizeof s.render));
}

void Publisher::loop(MqttLink& mqtt, const WifiLink& wifi) {
  if (mqtt.take_connected_event()) announced_ = false;
  if (!mqtt.connected()) return;
  if (!announced_) {
    announce(mqtt);
    announced_ = true;
  }
  ScratchPublish& s = scratch().publish;
  for (int sent = 0; sent < kMessagesPerLoop;) {
    bool from_ring = !ring_.empty();
    p1::ByteSpan record;
    if (from_ring) {
      record = ring_.front();
    } else if (!journal_.empty()) {
      size_t n = journal_.front(p1::MutableByteSpan(s.record, sizeof s.record));
      if (n == 0) {  // unreadable: counted and skipped, never retried forever
        journal_.pop();
        ++dropped_;
        continue;
      }
      record = p1::ByteSpan(s.record, n);
    } else {
      return;
    }
    if (!p1::decode_reading(record, s.reading)) {
      ++dropped_;
      from_ring ? ring_.pop() : journal_.pop();
      part_ = 0;
      continue;
    }
    bool last = false;
    Sent result = send_part(mqtt, s.reading, wifi, last);
    if (result == Sent::kRefused) return;  // keep it for the next try
    if (result == Sent::kSent) {
      ++published_;
      ++sent;
    }
    if (!last) {
      ++part_;
      continue;
    }
    part_ = 0;
    from_ring ? ring_.pop() : journal_.pop();
  }
}

size_t Publisher::render_status(const p1::StreamCounters& c, uint32_t free_heap, uint32_t min_free_heap,
                                p1::CharSpan out) {
  p1::StatusReport report;
  report.counters = &c;
  report.queued = readings_;
  report.queue = queued_readings();
  report.published = published_;
  report.dropped = dropped_ + journal_.dropped();
  report.has_heap = true;
  report.free_heap = free_heap;
  report.min_free_heap = min_free_heap;
  auto n = p1::format_status(report, out.first(out.size() - 1));
  size_t length = n ? *n : 0;
  out[length] = '\0';
  return length;
}

void Publisher::publish_status(MqttLink& mqtt, const p1::StreamCounters& c, uint32_t free_heap,
                               uint32_t min_free_heap) {
  char topic[kTopicMax];
  snprintf_P(topic, sizeof topic, PSTR("%s/status"), base_);
  char* payload = scratch().render;
  if (render_status(c, free_heap, min_free_heap, p1::CharSpan(payload, sizeof(Scratch::render))) > 0) {
    mqtt.publish(topic, payload, false);
  }
}

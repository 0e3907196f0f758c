#include "publisher.h"

#include <cstring>

#include "p1/cosem/gateway_fields.h"
#include "p1/output/ha_discovery.h"
#include "p1/output/output_format.h"
#include "p1/output/status_json.h"
#include "scratch.h"

void Publisher::begin(const p1::Settings& s, const String& node_id) {
  std::strncpy(base_, s.get(p1::SettingId::kMqttBase), sizeof base_ - 1);
  std::strncpy(node_, node_id.c_str(), sizeof node_ - 1);
  const char* mode = s.get(p1::SettingId::kMessageMode);
  raw_ = std::strchr(mode, '0') != nullptr;
  topics_ = std::strchr(mode, '1') != nullptr;
  json_ = std::strchr(mode, '2') != nullptr;
  discovery_ = std::strcmp(s.get(p1::SettingId::kDiscovery), "1") == 0;
}

void Publisher::push(const char* topic, const char* payload, size_t length, bool retain) {
  if (count_ == kSlots) {  // full: the oldest reading goes
    head_ = (head_ + 1) % kSlots;
    --count_;
    ++dropped_;
  }
  Slot& slot = slots_[(head_ + count_) % kSlots];
  ++queued_;
  std::strncpy(slot.topic, topic, kTopicMax - 1);
  slot.topic[kTopicMax - 1] = '\0';
  if (length >= kPayloadMax) length = kPayloadMax - 1;
  std::memcpy(slot.payload, payload, length);
  slot.payload[length] = '\0';
  slot.retain = retain;
  ++count_;
}

void Publisher::on_reading(const p1::Reading& reading, const String& ip, int rssi) {
  char topic[kTopicMax];
  char* buffer = scratch().render;  // the device's stack is small
  static_assert(sizeof(Scratch::render) >= kPayloadMax, "a payload fits the render scratch");
  if (raw_) {
    auto n = p1::format_raw_hex(reading, p1::CharSpan(buffer, sizeof buffer));
    snprintf(topic, sizeof topic, "%s/raw", base_);
    if (n) push(topic, buffer, *n, false);
  }
  if (topics_) {
    p1::TopicValues values(reading);
    const char* field = nullptr;
    size_t length = 0;
    while (values.next(field, p1::CharSpan(buffer, sizeof buffer), length)) {
      snprintf(topic, sizeof topic, "%s/%s", base_, field);
      push(topic, buffer, length, false);
    }
  }
  if (json_) {
    auto n = p1::format_json(reading, p1::CharSpan(buffer, sizeof buffer - 64));
    if (n && *n > 0) {
      // As the original gateway: the device's address and signal strength too.
      size_t at = *n - 1;  // before the closing brace
      at += static_cast<size_t>(snprintf(buffer + at, sizeof buffer - at, ",\"ip\":\"%s\",\"rssi\":%d}", ip.c_str(), rssi));
      snprintf(topic, sizeof topic, "%s/json", base_);
      push(topic, buffer, at, false);
    }
  }
  uint16_t present = p1::GatewayValues(reading).present();
  if ((present & ~fields_) != 0) {
    fields_ = static_cast<uint16_t>(fields_ | present);
    announced_ = false;
  }
  if (const p1::ReadingValue* number = reading.find(p1::obis::kMeterNumber)) {
    auto n = p1::format_value_text(*number, p1::CharSpan(meter_number_, sizeof meter_number_ - 1));
    if (n) meter_number_[*n] = '\0';
  }
}

void Publisher::announce(MqttLink& mqtt) {
  char availability[96];
  snprintf(availability, sizeof availability, "%s/availability", base_);
  mqtt.publish(availability, "online", true);
  if (!discovery_) return;
  p1::DiscoveryTarget target;
  target.base_topic = base_;
  target.node_id = node_;
  target.device_name = "p1bridge";
  target.per_field_topics = topics_ && !json_;
  target.availability_topic = availability;
  p1::Reading reading;
  if (meter_number_[0] != '\0') {
    p1::ReadingValue number;
    number.obis = p1::obis::kMeterNumber;
    number.kind = p1::ReadingValue::Kind::kText;
    number.text = p1::ByteSpan(reinterpret_cast<const uint8_t*>(meter_number_), std::strlen(meter_number_));
    reading.add(number);
  }
  char topic[128];
  char* payload = scratch().render;
  for (size_t field = 0; field < p1::kGatewayFieldCount; ++field) {
    if ((fields_ & 1u << field) == 0) continue;
    auto t = p1::format_discovery_topic(target, field, p1::CharSpan(topic, sizeof topic - 1));
    auto p = p1::format_discovery_config(target, field, reading, p1::CharSpan(payload, sizeof(Scratch::render) - 1));
    if (!t || !p) continue;
    topic[*t] = '\0';
    payload[*p] = '\0';
    mqtt.publish(topic, payload, true);
  }
}

void Publisher::loop(MqttLink& mqtt) {
  if (mqtt.take_connected_event()) announced_ = false;
  if (!mqtt.connected()) return;
  if (!announced_) {
    announce(mqtt);
    announced_ = true;
  }
  while (count_ > 0) {
    Slot& slot = slots_[head_];
    if (!mqtt.publish(slot.topic, slot.payload, slot.retain)) return;  // keep it for the next try
    head_ = (head_ + 1) % kSlots;
    --count_;
    ++published_;
  }
}

size_t Publisher::render_status(const p1::StreamCounters& c, uint32_t free_heap, uint32_t min_free_heap,
                                p1::CharSpan out) {
  p1::StatusReport report;
  report.counters = &c;
  report.queued = queued_;
  report.queue = count_;
  report.published = published_;
  report.dropped = dropped_;
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
  snprintf(topic, sizeof topic, "%s/status", base_);
  char* payload = scratch().render;
  if (render_status(c, free_heap, min_free_heap, p1::CharSpan(payload, sizeof(Scratch::render))) > 0) {
    mqtt.publish(topic, payload, false);
  }
}

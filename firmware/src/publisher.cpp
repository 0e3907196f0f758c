#include "publisher.h"

#include <cstring>

#include "p1/cosem/gateway_fields.h"
#include "p1/output/ha_discovery.h"
#include "p1/output/output_format.h"

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
  static char buffer[kPayloadMax];  // static: the device's stack is small
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
  for (size_t i = 0; i < reading.count; ++i) {
    int field = p1::gateway_field_index(reading.values[i].obis);
    if (field >= 0 && !fields_[field]) {
      fields_[field] = true;
      announced_ = false;
    }
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
  static char payload[kPayloadMax];
  for (size_t field = 0; field < p1::kGatewayFieldCount; ++field) {
    if (!fields_[field]) continue;
    auto t = p1::format_discovery_topic(target, field, p1::CharSpan(topic, sizeof topic - 1));
    auto p = p1::format_discovery_config(target, field, reading, p1::CharSpan(payload, sizeof payload - 1));
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

void Publisher::publish_status(MqttLink& mqtt, const p1::StreamCounters& c, uint32_t free_heap) {
  char topic[kTopicMax];
  char payload[384];
  snprintf(topic, sizeof topic, "%s/status", base_);
  snprintf(payload, sizeof payload,
           "{\"bytes\":%u,\"frames\":%u,\"checksum_errors\":%u,\"transport_errors\":%u,\"telegrams\":%u,"
           "\"decrypt_errors\":%u,\"auth_errors\":%u,\"decode_errors\":%u,\"frame_counter_gaps\":%u,"
           "\"frame_counter_repeats\":%u,\"readings\":%u,\"queue\":%u,\"published\":%u,\"dropped\":%u,\"free_heap\":%u}",
           c.bytes, c.frames, c.checksum_errors, c.transport_errors, c.telegrams, c.decrypt_errors, c.auth_errors,
           c.decode_errors, c.frame_counter_gaps, c.frame_counter_repeats, c.readings, static_cast<unsigned>(count_),
           published_, dropped_, free_heap);
  mqtt.publish(topic, payload, false);
}

#include "meter_runner.h"

#include <algorithm>

#include "log.h"
#include "p1/cosem/gateway_fields.h"
#include "p1/output/ha_discovery.h"
#include "p1/output/output_format.h"

namespace p1d {

MeterRunner::MeterRunner(const MeterConfig& meter, const Config& config, MessageQueue& queue,
                         std::string availability_topic)
    : meter_(meter),
      config_(config),
      queue_(queue),
      availability_topic_(std::move(availability_topic)),
      source_(make_source(meter)),
      stream_(&gcm_) {
  if (meter_.has_key) stream_.decoder().set_key(meter_.key);
  if (meter_.has_auth_key) stream_.decoder().set_auth_key(meter_.auth_key);
  if (!meter_.profile.empty()) stream_.decoder().set_layout(p1::find_body_layout(meter_.profile.c_str()));
}

void MeterRunner::open_source(int64_t now_ms) {
  std::string error = source_->open();
  if (error.empty()) {
    P1_LOG_INFO("meter %s: reading %s", meter_.name.c_str(), source_->describe().c_str());
    open_ = true;
    stream_.reset();  // a new connection: forget buffered bytes and the framing, keep the frame counter
    backoff_ms_ = 1000;
    last_open_error_.clear();
    return;
  }
  if (error != last_open_error_) {
    P1_LOG_WARN("meter %s: %s; retrying", meter_.name.c_str(), error.c_str());
    last_open_error_ = error;
  }
  next_open_ms_ = now_ms + backoff_ms_;
  backoff_ms_ = std::min(backoff_ms_ * 2, 30000);
}

void MeterRunner::service(bool readable, bool hangup, int64_t now_ms) {
  if (finished_) return;
  if (!open_) {
    if (now_ms >= next_open_ms_) open_source(now_ms);
    return;
  }
  if (!readable) return;
  uint8_t buffer[4096];
  for (int i = 0; i < 16; ++i) {  // bounded, so one busy meter cannot starve the others
    long n = source_->read(buffer, sizeof buffer);
    if (n > 0) {
      on_bytes(buffer, static_cast<size_t>(n));
      continue;
    }
    if (n == 0 && !hangup) return;
    if (n == 0) n = -1;
    // Lost or finished: what is buffered is decoded, then the source closes.
    while (p1::StreamEvent e = stream_.finish()) {
      if (e.kind == p1::StreamEvent::Kind::kReading) on_reading(stream_.reading());
    }
    source_->close();
    open_ = false;
    if (n == -2) {
      finished_ = true;
      P1_LOG_INFO("meter %s: end of %s", meter_.name.c_str(), source_->describe().c_str());
    } else {
      P1_LOG_WARN("meter %s: %s lost (unplugged or closed); reopening", meter_.name.c_str(),
                  source_->describe().c_str());
      next_open_ms_ = now_ms + backoff_ms_;
    }
    return;
  }
}

void MeterRunner::on_bytes(const uint8_t* data, size_t size) {
  p1::ByteSpan in(data, size);
  while (p1::StreamEvent e = stream_.push(in)) {
    if (e.kind == p1::StreamEvent::Kind::kReading) {
      on_reading(stream_.reading());
    } else {
      P1_LOG_WARN("meter %s: telegram %u (frame %u): %s: %s", meter_.name.c_str(), e.telegram, e.frame,
                  p1::stage_name(p1::stage_of(e.error)), p1::describe(e.error));
    }
  }
}

void MeterRunner::on_reading(const p1::Reading& reading) {
  const MqttConfig& m = config_.mqtt;
  char buffer[8192];
  if (m.raw) {
    auto n = p1::format_raw_hex(reading, p1::CharSpan(buffer, sizeof buffer));
    if (n) {
      queue_.push(Message{meter_.base + "/raw", std::string(buffer, *n), m.qos, m.retain});
      ++queued_;
    }
  }
  if (m.topics) {
    p1::TopicValues topics(reading);
    const char* field = nullptr;
    size_t length = 0;
    while (topics.next(field, p1::CharSpan(buffer, sizeof buffer), length)) {
      queue_.push(Message{meter_.base + "/" + field, std::string(buffer, length), m.qos, m.retain});
      ++queued_;
    }
  }
  auto json = p1::format_json(reading, p1::CharSpan(buffer, sizeof buffer));
  if (json) {
    latest_json_.assign(buffer, *json);
    ++readings_;
    if (m.json) {
      queue_.push(Message{meter_.base + "/json", latest_json_, m.qos, m.retain});
      ++queued_;
    }
  }
  for (size_t i = 0; i < reading.count; ++i) {
    int field = p1::gateway_field_index(reading.values[i].obis);
    if (field >= 0 && std::find(fields_.begin(), fields_.end(), static_cast<size_t>(field)) == fields_.end()) {
      fields_.push_back(static_cast<size_t>(field));
      fields_changed_ = true;
    }
  }
  if (const p1::ReadingValue* number = reading.find(p1::obis::kMeterNumber)) {
    auto n = p1::format_value_text(*number, p1::CharSpan(buffer, sizeof buffer));
    if (n && meter_number_ != std::string(buffer, *n)) {
      meter_number_.assign(buffer, *n);
      fields_changed_ = true;
    }
  }
}

void MeterRunner::announce(MqttClient& mqtt) {
  if (!config_.mqtt.discovery || fields_.empty()) return;
  p1::DiscoveryTarget target;
  target.prefix = config_.mqtt.discovery_prefix.c_str();
  target.base_topic = meter_.base.c_str();
  std::string node;
  for (char c : meter_.name) node += std::isalnum(static_cast<unsigned char>(c)) || c == '-' ? c : '_';
  target.node_id = node.c_str();
  std::string device = "Smart meter " + meter_.name;
  target.device_name = device.c_str();
  target.per_field_topics = config_.mqtt.topics && !config_.mqtt.json;
  target.availability_topic = availability_topic_.c_str();
  // The serial number comes from a reading; a minimal one carries it.
  p1::Reading reading;
  p1::ReadingValue number;
  if (!meter_number_.empty()) {
    number.obis = p1::obis::kMeterNumber;
    number.kind = p1::ReadingValue::Kind::kText;
    number.text = p1::ByteSpan(reinterpret_cast<const uint8_t*>(meter_number_.data()), meter_number_.size());
    reading.add(number);
  }
  char topic[256];
  char payload[2048];
  for (size_t field : fields_) {
    auto t = p1::format_discovery_topic(target, field, p1::CharSpan(topic, sizeof topic));
    auto p = p1::format_discovery_config(target, field, reading, p1::CharSpan(payload, sizeof payload));
    if (t && p) mqtt.publish_now(std::string(topic, *t), std::string(payload, *p), 1, true);
  }
  fields_changed_ = false;
}

std::string MeterRunner::status_json() const {
  const p1::StreamCounters& c = stream_.counters();
  char out[768];
  std::snprintf(out, sizeof out,
                "{\"meter\":\"%s\",\"source\":\"%s\",\"connected\":%s,\"bytes\":%u,\"frames\":%u,"
                "\"checksum_errors\":%u,\"transport_errors\":%u,\"telegrams\":%u,\"decrypt_errors\":%u,"
                "\"auth_errors\":%u,\"decode_errors\":%u,\"frame_counter_gaps\":%u,\"frame_counter_repeats\":%u,"
                "\"readings\":%u,\"queued\":%llu}",
                meter_.name.c_str(), source_->describe().c_str(), open_ ? "true" : "false", c.bytes, c.frames,
                c.checksum_errors, c.transport_errors, c.telegrams, c.decrypt_errors, c.auth_errors, c.decode_errors,
                c.frame_counter_gaps, c.frame_counter_repeats, c.readings, static_cast<unsigned long long>(queued_));
  return out;
}

std::string MeterRunner::status_line() const {
  const p1::StreamCounters& c = stream_.counters();
  char out[512];
  std::snprintf(out, sizeof out,
                "meter %s: %u bytes, %u frames, %u checksum errors, %u telegrams, %u readings, "
                "%u decrypt / %u auth / %u decode errors, %u gaps, %u repeats",
                meter_.name.c_str(), c.bytes, c.frames, c.checksum_errors, c.telegrams, c.readings, c.decrypt_errors,
                c.auth_errors, c.decode_errors, c.frame_counter_gaps, c.frame_counter_repeats);
  return out;
}

}  // namespace p1d

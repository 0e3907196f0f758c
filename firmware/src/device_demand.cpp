#include "device_demand.h"

#include <LittleFS.h>

#include "p1/output/demand_json.h"
#include "scratch.h"

namespace {
const char kStateFile[] = "/demand.state";
}  // namespace

void DeviceDemand::begin(const char* base_topic, DeviceHistory* history) {
  history_ = history;
  snprintf_P(topic_, sizeof topic_, PSTR("%s/demand"), base_topic);
  File f = LittleFS.open(kStateFile, "r");
  if (!f) return;  // first start
  uint8_t state[p1::QuarterHourDemand::kStateSize];
  size_t n = f.read(state, sizeof state);
  f.close();
  p1::DemandStateError e = reporter_.load(p1::ByteSpan(state, n));
  if (e != p1::DemandStateError::kNone) {
    Serial1.printf_P(PSTR("demand: %s: %s; starting afresh\r\n"), kStateFile, p1::describe(e));
  } else {
    publish_pending_ = reporter_.has_figures();
  }
}

void DeviceDemand::on_reading(const p1::Reading& reading) {
  p1::DemandReporter::Step step = reporter_.on_reading(reading);
  publish_pending_ = publish_pending_ || step.publish;
  save_pending_ = save_pending_ || step.save;
  p1::DemandReporter::Ended q;
  if (step.save && history_ != nullptr && reporter_.last_ended(q)) history_->on_quarter_hour(q.start, q.import_w, q.complete);
}

size_t DeviceDemand::render(p1::CharSpan out) const {
  auto n = p1::format_demand_json(reporter_.demand(), out.first(out.size() - 1));
  size_t length = n ? *n : 0;
  if (length == 0) {
    std::strcpy(out.data(), "null");
    return 4;
  }
  out[length] = '\0';
  return length;
}

void DeviceDemand::flush() {
  if (reporter_.dirty()) save_pending_ = true;
  if (save_pending_) write_state();
}

void DeviceDemand::write_state() {
  save_pending_ = false;
  uint8_t state[p1::QuarterHourDemand::kStateSize];
  size_t n = reporter_.save(p1::MutableByteSpan(state, sizeof state));
  // A power cut while writing leaves a torn file, which load() refuses
  // (CRC): the peaks of this month would start afresh, never wrong.
  File f = LittleFS.open(kStateFile, "w");
  if (f && f.write(state, n) == n) reporter_.mark_saved();
  if (f) f.close();
}

void DeviceDemand::loop(MqttLink& mqtt) {
  if (save_pending_) write_state();
  if (!publish_pending_ || !mqtt.connected()) return;
  char* payload = scratch().render;
  if (render(p1::CharSpan(payload, sizeof(Scratch::render))) > 4 && mqtt.publish(topic_, payload, true)) {
    publish_pending_ = false;
  }
}

void DeviceDemand::announce(MqttLink& mqtt, const p1::DiscoveryTarget& target, p1::CharSpan payload) {
  const p1::QuarterHourDemand& demand = reporter_.demand();
  if (!demand.has_sample()) return;
  bool with_export = demand.last_sample().has_export;
  char topic[128];
  for (size_t i = 0; i < p1::demand_sensor_count(with_export); ++i) {
    auto t = p1::format_demand_discovery_topic(target, i, with_export, p1::CharSpan(topic, sizeof topic - 1));
    auto p = p1::format_demand_discovery_config(target, i, with_export, payload.first(payload.size() - 1));
    if (!t || !p) continue;
    topic[*t] = '\0';
    payload[*p] = '\0';
    mqtt.publish(topic, payload.data(), true);
  }
}

#include "meter_demand.h"

#include "atomic_file.h"
#include "log.h"
#include "p1/output/demand_json.h"

namespace p1d {

MeterDemand::MeterDemand(const MeterConfig& meter, const Config& config)
    : name_(meter.name),
      topic_(meter.base + "/demand"),
      path_(config.queue_dir + "/demand-" + meter.name + ".state"),
      mqtt_(config.mqtt) {
  load();
}

void MeterDemand::load() {
  std::string bytes;
  if (!read_small_file(path_, bytes, p1::QuarterHourDemand::kStateSize)) return;  // first start
  p1::DemandStateError e = reporter_.load(
      p1::ByteSpan(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
  if (e != p1::DemandStateError::kNone) {
    P1_LOG_WARN("meter %s: demand state %s: %s; starting afresh (the current quarter hour is incomplete)",
                name_.c_str(), path_.c_str(), p1::describe(e));
    return;
  }
  render();
  P1_LOG_INFO("meter %s: demand state from %s", name_.c_str(), path_.c_str());
}

void MeterDemand::render() {
  char buffer[2048];
  auto n = p1::format_demand_json(reporter_.demand(), p1::CharSpan(buffer, sizeof buffer));
  if (n) json_.assign(buffer, *n);
}

uint64_t MeterDemand::on_reading(const p1::Reading& reading, MessageQueue& queue) {
  p1::DemandReporter::Step step = reporter_.on_reading(reading);
  if (!step.accepted) return 0;
  if (step.cause != p1::DemandBreak::kNone && step.cause != p1::DemandBreak::kFirst) {
    P1_LOG_INFO("meter %s: demand: %s; the quarter hour it touches is incomplete", name_.c_str(),
                p1::describe(step.cause));
  }
  if (step.save) {
    p1::DemandReporter::Ended q;
    if (history_ != nullptr && reporter_.last_ended(q)) {
      history_->record_quarter_hour(name_, q.start, q.import_w, q.export_w, q.complete);
    }
    save();
  }
  if (!step.publish) return 0;
  render();
  queue.push(Message{topic_, json_, mqtt_.qos, true});
  return 1;
}

void MeterDemand::save() {
  if (!reporter_.dirty()) return;
  uint8_t bytes[p1::QuarterHourDemand::kStateSize];
  size_t n = reporter_.save(p1::MutableByteSpan(bytes, sizeof bytes));
  std::string error = write_file_atomically(path_, bytes, n);
  if (!error.empty()) {
    P1_LOG_WARN("meter %s: demand state not kept: %s", name_.c_str(), error.c_str());
    return;
  }
  reporter_.mark_saved();
}

void MeterDemand::announce(MqttClient& mqtt, const p1::DiscoveryTarget& target) const {
  const p1::QuarterHourDemand& demand = reporter_.demand();
  if (!demand.has_sample()) return;
  bool with_export = demand.last_sample().has_export;
  char topic[256], payload[2048];
  for (size_t i = 0; i < p1::demand_sensor_count(with_export); ++i) {
    auto t = p1::format_demand_discovery_topic(target, i, with_export, p1::CharSpan(topic, sizeof topic));
    auto p = p1::format_demand_discovery_config(target, i, with_export, p1::CharSpan(payload, sizeof payload));
    if (t && p) mqtt.publish_now(std::string(topic, *t), std::string(payload, *p), 1, true);
  }
}

}  // namespace p1d

#include "meter_runner.h"

#include <ctime>

#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <cstdlib>
#include <chrono>
#include <cstdio>
#include <fstream>

#include "log.h"
#include "version.h"
#include "p1/cosem/gateway_fields.h"
#include "p1/output/freshness.h"
#include "p1/output/ha_discovery.h"
#include "p1/output/output_format.h"
#include "p1/output/status_json.h"

namespace p1d {

namespace {
int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Where Home Assistant finds the web page: the bind address, or this host's
// name when it listens on every address.
std::string configuration_url(const WebConfig& web) {
  if (!web.enabled || web.key.empty()) return {};
  std::string host = web.bind;
  if (host == "0.0.0.0" || host == "::") {
    char name[256] = {};
    host = gethostname(name, sizeof name - 1) == 0 && name[0] != '\0' ? name : "localhost";
  }
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(web.port) + "/";
}
}  // namespace

MeterRunner::MeterRunner(const MeterConfig& meter, const Config& config, MessageQueue& queue,
                         std::string bridge_availability_topic)
    : meter_(meter),
      config_(config),
      queue_(queue),
      availability_topic_(meter.base + "/availability"),
      bridge_availability_topic_(bridge_availability_topic == availability_topic_ ? std::string()
                                                                                 : std::move(bridge_availability_topic)),
      source_(make_source(meter)),
      stream_(&gcm_),
      demand_(meter, config) {
  if (meter_.has_key) stream_.decoder().set_key(meter_.key);
  if (meter_.has_auth_key) stream_.decoder().set_auth_key(meter_.auth_key);
  stream_.decoder().set_allow_plaintext(meter_.allow_plaintext);
  stream_.set_acknowledge(meter_.acknowledge);
  if (!meter_.profile.empty()) stream_.decoder().set_layout(p1::find_body_layout(meter_.profile.c_str()));
  now_ms_ = last_reading_ms_ = steady_ms();
  state_path_ = config_.queue_dir + "/meter-" + meter_.name + ".state";
  load_state();
}

// The state file: what discovery needs before the first reading, one
// key=value per line.
void MeterRunner::load_state() {
  std::ifstream in(state_path_);
  std::string line;
  while (std::getline(in, line)) {
    size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = line.substr(0, eq), value = line.substr(eq + 1);
    if (key == "meternumber") meter_number_ = value;
    if (key == "fields") fields_ = static_cast<uint16_t>(std::strtoul(value.c_str(), nullptr, 10));
    if (key == "layout") layout_ = value;
    if (key == "maker") maker_ = value;
  }
  fields_ &= static_cast<uint16_t>((1u << p1::kGatewayFieldCount) - 1);
  if (!meter_number_.empty()) {
    P1_LOG_INFO("meter %s: last known meter number %s (from %s)", meter_.name.c_str(), meter_number_.c_str(),
                state_path_.c_str());
  }
}

void MeterRunner::save_state() {
  std::string tmp = state_path_ + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << "meternumber=" << meter_number_ << "\nfields=" << fields_ << "\nlayout=" << layout_ << "\nmaker=" << maker_
        << "\n";
    if (!out) {
      P1_LOG_WARN("meter %s: cannot write %s: the meter number is not remembered for the next start",
                  meter_.name.c_str(), tmp.c_str());
      return;
    }
  }
  if (std::rename(tmp.c_str(), state_path_.c_str()) != 0) std::remove(tmp.c_str());
}

MeterRunner::~MeterRunner() { close_source(); }

void MeterRunner::attach(int epoll_fd, uint64_t tag) {
  unwatch();
  epoll_fd_ = epoll_fd;
  tag_ = tag;
  watch();
}

void MeterRunner::unwatch() {
  if (watched_fd_ >= 0 && !always_ready_ && epoll_fd_ >= 0) epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, watched_fd_, nullptr);
  watched_fd_ = -1;
  watched_events_ = 0;
  always_ready_ = false;
}

// Writability while a connection is being made, readability once open.
void MeterRunner::watch() {
  if (epoll_fd_ < 0) return;
  int fd = open_ ? source_->fd() : -1;
  uint32_t events = source_->connecting() ? EPOLLOUT : EPOLLIN;
  if (fd == watched_fd_ && (fd < 0 || always_ready_ || events == watched_events_)) return;
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = tag_;
  if (fd >= 0 && fd == watched_fd_ && epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev) == 0) {
    watched_events_ = events;
    return;
  }
  unwatch();
  if (fd < 0) return;
  watched_fd_ = fd;
  watched_events_ = events;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
    // Regular files cannot be waited on: they are always ready.
    if (errno == EPERM) {
      always_ready_ = true;
    } else {
      P1_LOG_WARN("meter %s: cannot wait on %s: %s", meter_.name.c_str(), source_->describe().c_str(),
                  std::strerror(errno));
      always_ready_ = true;  // polled on every pass rather than never
    }
  }
}

void MeterRunner::close_source() {
  unwatch();  // first: the number is still ours
  if (source_) source_->close();
  open_ = false;
}

void MeterRunner::opened() {
  P1_LOG_INFO("meter %s: reading %s", meter_.name.c_str(), source_->describe().c_str());
  stream_.reset();  // a new connection: forget buffered bytes and the framing, keep the frame counter
  backoff_ms_ = 1000;
  last_open_error_.clear();
}

void MeterRunner::open_failed(const std::string& error, int64_t now_ms) {
  close_source();
  if (error != last_open_error_) {
    P1_LOG_WARN("meter %s: %s; retrying", meter_.name.c_str(), error.c_str());
    last_open_error_ = error;
  }
  next_open_ms_ = now_ms + backoff_ms_;
  backoff_ms_ = std::min(backoff_ms_ * 2, 30000);
}

void MeterRunner::open_source(int64_t now_ms) {
  std::string error = source_->open();
  if (!error.empty()) {
    open_failed(error, now_ms);
    return;
  }
  open_ = true;
  if (!source_->connecting()) opened();
  watch();
}

void MeterRunner::service(bool ready, bool hangup, int64_t now_ms) {
  now_ms_ = now_ms;
  if (finished_) return;
  if (!open_) {
    if (now_ms >= next_open_ms_) open_source(now_ms);
    return;
  }
  if (source_->connecting()) {
    // advance() may close the socket and try the next address: unregister
    // while the descriptor is still this source's.
    unwatch();
    std::string error = source_->advance();
    if (!error.empty()) {
      open_failed(error, now_ms);
      return;
    }
    if (!source_->connecting()) opened();
    watch();
    return;
  }
  if (!ready) return;
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
    close_source();
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
      if (e.frame_counter_restart) {
        P1_LOG_WARN("meter %s: the meter restarted its frame counter (from %u to %u, its clock moved on): accepted; "
                    "counted as counter_restarts", meter_.name.c_str(), stream_.decoder().restarted_from(),
                    stream_.reading().frame_counter);
      }
      on_reading(stream_.reading());
    } else {
      // One warning per cause a minute, the rest counted (a wrong key fails
      // every telegram).
      const char* stage = p1::stage_name(p1::stage_of(e.error));
      const char* what = p1::describe(e.error);
      std::string cause = std::string(stage) + ": " + what;
      if (warnings_.allow(cause, "meter " + meter_.name + ": " + cause, now_ms_)) {
        P1_LOG_WARN("meter %s: telegram %u (frame %u): %s", meter_.name.c_str(), e.telegram, e.frame, cause.c_str());
      }
    }
  }
  // The meter waits 0.5 s for its E5: written now, before the loop waits.
  p1::ByteSpan reply = stream_.take_reply();
  if (!reply.empty() && source_->write(reply.data(), reply.size()) != static_cast<long>(reply.size())) {
    std::string cause = "cannot send the acknowledgement to " + source_->describe();
    if (warnings_.allow(cause, "meter " + meter_.name + ": " + cause, now_ms_)) {
      P1_LOG_WARN("meter %s: %s (a file, or the line is gone): the meter will stop sending after 10", meter_.name.c_str(),
                  cause.c_str());
    }
  }
}

void MeterRunner::on_reading(const p1::Reading& reading) {
  const MqttConfig& m = config_.mqtt;
  last_reading_ms_ = now_ms_;
  if (!online_) {
    online_ = true;
    availability_changed_ = true;
    P1_LOG_INFO("meter %s: sending again; %s online", meter_.name.c_str(), availability_topic_.c_str());
  }
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
  queued_ += demand_.on_reading(reading, queue_);
  uint16_t present = p1::GatewayValues(reading).present();
  if ((present & ~fields_) != 0) {
    fields_ = static_cast<uint16_t>(fields_ | present);
    fields_changed_ = true;
  }
  bool save = fields_changed_;
  if (const p1::ReadingValue* number = reading.find(p1::obis::kMeterNumber)) {
    auto n = p1::format_value_text(*number, p1::CharSpan(buffer, sizeof buffer));
    if (n && meter_number_ != std::string(buffer, *n)) {
      if (!meter_number_.empty()) {
        P1_LOG_INFO("meter %s: meter number changed from %s to %s; announcing its entities", meter_.name.c_str(),
                    meter_number_.c_str(), std::string(buffer, *n).c_str());
      }
      meter_number_.assign(buffer, *n);
      fields_changed_ = save = true;
    }
  }
  std::string maker(reinterpret_cast<const char*>(reading.system_title), 3);
  for (char& c : maker) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '?';
  if (layout_ != reading.layout || maker_ != maker) {
    layout_ = reading.layout;
    maker_ = maker;
    fields_changed_ = save = true;
  }
  if (save) save_state();
  if (servers_ != nullptr) servers_->on_reading(reading, meter_number_, now_ms_);
  if (history_ != nullptr) {
    // Without a usable meter clock, this machine's wall clock stands in.
    std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    p1::HistorySample sample;
    if (p1::history_sample(reading, static_cast<int64_t>(now) + local.tm_gmtoff, sample)) history_->add(meter_.name, sample);
  }
}

void MeterRunner::publish_availability(MqttClient& mqtt) {
  mqtt.publish_now(availability_topic_, online_ ? "online" : "offline", 1, true);
  availability_changed_ = false;
}

void MeterRunner::tick(MqttClient& mqtt, int64_t now_ms) {
  now_ms_ = now_ms;
  if (online_ && !finished_ && !p1::reading_is_fresh(static_cast<uint64_t>(now_ms - last_reading_ms_), static_cast<uint32_t>(meter_.stale_after))) {
    online_ = false;
    availability_changed_ = true;
    P1_LOG_WARN("meter %s: no reading for %d s; %s offline until the next one", meter_.name.c_str(),
                meter_.stale_after, availability_topic_.c_str());
  }
  if (availability_changed_ && mqtt.connected()) publish_availability(mqtt);
  warnings_.flush(now_ms, [this](const std::string& summary, uint64_t count) {
    P1_LOG_WARN("%s (repeated %llu times in the last minute)", summary.c_str(), static_cast<unsigned long long>(count));
  });
}

void MeterRunner::announce(MqttClient& mqtt) {
  publish_availability(mqtt);
  if (!config_.mqtt.discovery || fields_ == 0) return;
  p1::DiscoveryTarget target;
  target.prefix = config_.mqtt.discovery_prefix.c_str();
  target.base_topic = meter_.base.c_str();
  std::string node;
  for (char c : meter_.name) node += std::isalnum(static_cast<unsigned char>(c)) || c == '-' ? c : '_';
  target.node_id = node.c_str();
  target.meter_number = meter_number_.c_str();
  std::string device = meter_number_.empty() ? "Smart meter " + meter_.name : "Smart meter " + meter_number_;
  target.device_name = device.c_str();
  target.per_field_topics = config_.mqtt.topics && !config_.mqtt.json;
  target.availability_topic = availability_topic_.c_str();
  target.bridge_availability_topic = bridge_availability_topic_.empty() ? nullptr : bridge_availability_topic_.c_str();
  target.expire_after = static_cast<uint32_t>(meter_.stale_after);
  std::string url = configuration_url(config_.web);
  target.configuration_url = url.c_str();
  const char* maker = maker_.size() == 3 ? p1::meter_manufacturer(maker_.c_str()) : nullptr;
  target.manufacturer = maker;
  std::string model = (maker_.empty() ? std::string() : maker_ + " meter, ") + (layout_.empty() ? "" : layout_ + " layout");
  target.model = model.c_str();
  target.sw_version = P1BRIDGE_VERSION_TEXT;
  p1::Reading reading;  // the serial number comes from target.meter_number
  char topic[256];
  char payload[2048];
  for (size_t field = 0; field < p1::kGatewayFieldCount; ++field) {
    if ((fields_ & 1u << field) == 0) continue;
    auto t = p1::format_discovery_topic(target, field, p1::CharSpan(topic, sizeof topic));
    auto p = p1::format_discovery_config(target, field, reading, p1::CharSpan(payload, sizeof payload));
    if (t && p) mqtt.publish_now(std::string(topic, *t), std::string(payload, *p), 1, true);
  }
  for (size_t counter = 0; counter < p1::status_sensor_count(); ++counter) {
    auto t = p1::format_status_discovery_topic(target, counter, p1::CharSpan(topic, sizeof topic));
    auto p = p1::format_status_discovery_config(target, counter, p1::CharSpan(payload, sizeof payload));
    if (t && p) mqtt.publish_now(std::string(topic, *t), std::string(payload, *p), 1, true);
  }
  demand_.announce(mqtt, target);
  char node_text[128];
  auto n = p1::format_discovery_node(target, p1::CharSpan(node_text, sizeof node_text));
  P1_LOG_INFO("meter %s: Home Assistant discovery under %s/sensor/%s/ (device \"%s\")", meter_.name.c_str(),
              target.prefix, n ? std::string(node_text, *n).c_str() : "?", device.c_str());
  fields_changed_ = false;
}

std::string MeterRunner::status_json(uint64_t queue, uint64_t published, uint64_t dropped, bool with_source) const {
  p1::StatusReport report;
  std::string source = source_->describe();
  if (with_source) {
    report.meter = meter_.name.c_str();
    report.source = source.c_str();
  }
  report.connected = open_ && !source_->connecting();
  report.counters = &stream_.counters();
  report.queued = queued_;
  report.queue = queue;
  report.published = published;
  report.dropped = dropped;
  char out[1024];
  auto n = p1::format_status(report, p1::CharSpan(out, sizeof out));
  return n ? std::string(out, *n) : std::string("{}");
}

std::string MeterRunner::counters_json(uint64_t queue, uint64_t published, uint64_t dropped) const {
  return status_json(queue, published, dropped, false);
}

std::string MeterRunner::status_line() const {
  std::string line = "meter " + meter_.name + ":";
  const char* separator = " ";
  for (const p1::CounterField& c : p1::counter_fields()) {
    line += separator + std::to_string(stream_.counters().*c.member) + " " + c.name().host_string();
    separator = ", ";
  }
  return line;
}

}  // namespace p1d

// One meter inside `p1bridge run`: its source (reopened with backoff when it
// fails), its decoder, and the messages its readings become.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "byte_source.h"
#include "config.h"
#include "meter_servers.h"
#include "history_store.h"
#include "log.h"
#include "meter_demand.h"
#include "message_queue.h"
#include "mqtt_client.h"
#include "p1/crypto/default_aes_gcm.h"
#include "p1/pipeline/meter_stream.h"

namespace p1d {

class MeterRunner {
 public:
  // `bridge_availability_topic`: the connection's last will. The meter's own
  // <base>/availability says whether it is sending (offline after
  // `stale_after` seconds without a reading); with one meter both are the
  // same topic.
  MeterRunner(const MeterConfig& meter, const Config& config, MessageQueue& queue,
              std::string bridge_availability_topic);

  ~MeterRunner();
  // The run loop's epoll set: the runner adds its descriptor under `tag`
  // whenever its source opens (or a connection attempt changes socket) and
  // removes it before every close, while the number is still its own. A
  // descriptor number that another source gets next can then never lose that
  // source's registration, nor keep a dead one.
  void attach(int epoll_fd, uint64_t tag);
  int fd() const { return source_ && open_ ? source_->fd() : -1; }
  // A regular file (epoll cannot wait on it): service it on every pass.
  bool always_ready() const { return always_ready_; }
  // Opening, connecting or waiting to reopen: service it on the loop's timer.
  bool needs_tick() const { return !finished_ && (!open_ || source_->connecting()); }
  // An event on its descriptor (`ready`; with `hangup` on EPOLLHUP/ERR), or
  // the timer (ready false): reads what is available, moves a connection
  // along, and reopens a lost source in time.
  void service(bool ready, bool hangup, int64_t now_ms);
  // The meter's availability, then Home Assistant discovery for the fields it
  // sends, retained; at every (re)connect and when the meter number or the
  // fields change. Keyed by the meter number, which is remembered in the
  // queue directory so the entities are announced at start already.
  void announce(MqttClient& mqtt);
  // Every loop: availability offline when the meter went quiet (online again
  // with its next reading), and the summaries of repeated warnings.
  void tick(MqttClient& mqtt, int64_t now_ms);
  bool needs_announce() const { return fields_changed_; }
  // The status payload (the core's one builder) with the shared delivery figures.
  std::string status_json(uint64_t queue, uint64_t published, uint64_t dropped, bool with_source = true) const;
  // JSON of the last reading (for the web page) and a counter that changes with it.
  const std::string& latest_json() const { return latest_json_; }
  uint64_t reading_count() const { return readings_; }
  std::string status_line() const;
  // For the JSON API: the counters without the source (a setting), and the
  // demand payload.
  std::string counters_json(uint64_t queue, uint64_t published, uint64_t dropped) const;
  const std::string& demand_json() const { return demand_.json(); }
  // At a clean stop.
  void save_demand() { demand_.save(); }
  const std::string& base() const { return meter_.base; }
  const std::string& name() const { return meter_.name; }
  bool finished() const { return finished_; }
  // The servers that hand this meter's readings on (SunSpec, Shelly), if any.
  void serve_to(MeterServers* servers) { servers_ = servers; }
  // Where each reading's history sample goes (nullptr: none).
  void set_history(HistoryStore* history) {
    history_ = history;
    demand_.set_history(history);
  }

 private:
  void on_bytes(const uint8_t* data, size_t size);
  void on_reading(const p1::Reading& reading);
  void open_source(int64_t now_ms);
  void opened();
  void open_failed(const std::string& error, int64_t now_ms);
  void close_source();
  void watch();
  void unwatch();
  void load_state();
  void save_state();
  void publish_availability(MqttClient& mqtt);

  MeterConfig meter_;
  const Config& config_;
  MessageQueue& queue_;
  std::string availability_topic_;         // <base>/availability
  std::string bridge_availability_topic_;  // the last will, if another topic
  std::unique_ptr<ByteSource> source_;
  p1::DefaultAesGcm gcm_;
  p1::MeterStream stream_;
  bool open_ = false;  // open, or connecting
  int epoll_fd_ = -1;
  uint64_t tag_ = 0;
  int watched_fd_ = -1;  // registered with epoll_fd_ (always still open while set)
  uint32_t watched_events_ = 0;
  bool always_ready_ = false;
  bool finished_ = false;
  int64_t next_open_ms_ = 0;
  int backoff_ms_ = 1000;
  std::string last_open_error_;
  uint16_t fields_ = 0;  // gateway fields seen in readings (bit per field)
  bool fields_changed_ = false;
  std::string meter_number_;
  std::string layout_, maker_;  // body layout and FLAG id of the last reading (device model)
  std::string state_path_;      // <queue dir>/meter-<name>.state: what discovery needs at start
  int64_t now_ms_ = 0;
  int64_t last_reading_ms_ = 0;
  bool online_ = true;          // what <base>/availability says
  bool availability_changed_ = false;
  WarningThrottle warnings_;
  uint64_t queued_ = 0;
  std::string latest_json_;
  uint64_t readings_ = 0;
  MeterServers* servers_ = nullptr;
  HistoryStore* history_ = nullptr;
  MeterDemand demand_;
};

}  // namespace p1d

#include "run_command.h"

#include <poll.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <unistd.h>
#include <signal.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <vector>

#include "decode_command.h"
#include "history_store.h"
#include "log.h"
#include "meter_runner.h"
#include "message_queue.h"
#include "mqtt_client.h"
#include "p1/device/web/secure_exchange.h"
#include "state_dir.h"
#include "web_server.h"

#include <cerrno>
#include <cstring>

namespace p1d {

namespace {
volatile sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

constexpr int64_t kFlushTimeoutMs = 10000;
}  // namespace

void warn_if_weak_web_key(const Config& config) {
  const std::string& key = config.web.key;
  if (!config.web.enabled || key.empty() || !p1::is_weak_passkey(p1::Span<const char>(key.data(), key.size()))) return;
  P1_LOG_WARN("web: the web key is weak (shorter than %zu characters, or only one kind of character): anyone who "
              "records one request of the page can try keys offline. A longer key mixing letters, digits or words "
              "is safer; `p1bridge setup` generates one when the answer is empty.",
              p1::kStrongPasskeyLength);
}

int run_gateway(Config config, const std::string& config_path, char** argv) {
  LogLevel level = LogLevel::kInfo;
  parse_log_level(config.log_level, level);
  set_log_level(level);
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
  signal(SIGPIPE, SIG_IGN);
  // One descriptor per meter: allow as many as the hard limit permits.
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }

  std::string note, error = resolve_queue_dir(config, note);
  if (!error.empty()) {
    P1_LOG_ERROR("%s", error.c_str());
    return kExitUsage;
  }
  if (!note.empty()) P1_LOG_INFO("%s", note.c_str());
  P1_LOG_INFO("configuration:\n%s", config.describe().c_str());

  MessageQueue queue;
  error = queue.open(config.queue_dir, config.queue_max);
  if (!error.empty()) {
    P1_LOG_ERROR("%s", error.c_str());
    return kExitUsage;
  }
  if (queue.loaded() > 0) P1_LOG_INFO("queue: %llu undelivered messages from the last run", static_cast<unsigned long long>(queue.loaded()));

  // One last will per connection: a single meter uses its own availability
  // topic (as the device does); several share the bridge's.
  std::string availability = config.meters.size() == 1 ? config.meters[0].base + "/availability"
                                                       : "p1bridge/" + config.mqtt.client_id + "/availability";
  MqttClient mqtt(config.mqtt, queue);
  error = mqtt.setup(availability);
  if (!error.empty()) {
    P1_LOG_ERROR("%s", error.c_str());
    return kExitUsage;
  }
  std::vector<std::unique_ptr<MeterRunner>> meters;
  for (const MeterConfig& m : config.meters) meters.push_back(std::make_unique<MeterRunner>(m, config, queue, availability));
  // The page's history: only with the page or the API to show it.
  HistoryStore history;
  if (config.web.enabled) {
    error = history.open(config.queue_dir + "/history.sqlite");
    if (!error.empty()) P1_LOG_WARN("%s; the page shows no history", error.c_str());
    for (auto& m : meters) m->set_history(history.is_open() ? &history : nullptr);
  }

  // The inverter-facing servers start before anything is read, so a port
  // that is taken stops the program at once, as a bad setting does.
  std::vector<std::unique_ptr<MeterServers>> servers;
  for (size_t i = 0; i < meters.size(); ++i) {
    servers.push_back(std::make_unique<MeterServers>(config.meters[i]));
    if (!servers.back()->enabled()) continue;
    error = servers.back()->start();
    if (!error.empty()) {
      P1_LOG_ERROR("%s", error.c_str());
      return kExitUsage;
    }
    meters[i]->serve_to(servers.back().get());
  }

  WebState web_state;
  web_state.resize(meters.size());
  if (history.is_open()) web_state.set_history(&history);
  for (size_t i = 0; i < meters.size(); ++i) web_state.set_meter(i, meters[i]->name(), meters[i]->base());
  std::unique_ptr<WebServer> web;
  if (config.web.enabled && config.web.key.empty()) {
    P1_LOG_WARN("web: no web key set, configuration page disabled (run p1bridge setup, or set web.key)");
  }
  if (config.web.api && !config.web.enabled) P1_LOG_WARN("web: api = true has no effect with web.enabled = false");
  if (config.web.enabled && (!config.web.key.empty() || config.web.api)) {
    web = std::make_unique<WebServer>(config, config_path, web_state);
    error = web->start();
    if (!error.empty()) {
      P1_LOG_ERROR("%s", error.c_str());
      return kExitUsage;
    }
  }
  std::vector<uint64_t> shown(meters.size(), UINT64_MAX);
  // A meter's counters plus the shared delivery figures, for <base>/status and the web page.
  auto status_of = [&](const MeterRunner& m) { return m.status_json(queue.size(), mqtt.published(), queue.dropped()); };
  int64_t next_web_status = 0;
  // epoll, not poll: with a thousand meters, scanning every descriptor on
  // each wake-up would cost more than decoding the telegrams. Each meter
  // keeps its own registration (MeterRunner::attach): it adds its descriptor
  // when it opens and removes it before it closes, so descriptor numbers
  // reused by another meter never cross.
  int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  for (size_t i = 0; i < meters.size(); ++i) meters[i]->attach(epoll_fd, i);
  // libmosquitto closes its socket itself, and the number may belong to a
  // meter's new connection before the loop hears of it: the MQTT socket is
  // known by its inode too, and its old registration removed only while the
  // number still names that socket.
  struct Watched {
    int fd = -1;
    dev_t dev = 0;
    ino_t ino = 0;
    uint32_t events = 0;
  } mqtt_watch;
  constexpr uint64_t kMqttTag = UINT64_MAX;
  // The servers' descriptors (fixed for the run): tag = kind | meter index.
  constexpr uint64_t kSunSpecTag = 1ull << 62, kShellyUdpTag = 1ull << 61;
  for (size_t i = 0; i < servers.size(); ++i) {
    const int fds[2] = {servers[i]->sunspec_fd(), servers[i]->shelly_udp_fd()};
    const uint64_t tags[2] = {kSunSpecTag | i, kShellyUdpTag | i};
    for (int k = 0; k < 2; ++k) {
      if (fds[k] < 0) continue;
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.u64 = tags[k];
      epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fds[k], &ev);
    }
  }
  std::vector<uint64_t> server_events;
  std::vector<char> hangup(meters.size(), 0);

  int64_t next_status = now_ms() + config.status_interval * 1000LL;
  int64_t next_reopen_check = 0;
  while (!g_stop) {
    int mqtt_fd = mqtt.socket();
    uint32_t wanted = EPOLLIN | (mqtt.wants_write() ? EPOLLOUT : 0u);
    struct stat st {};
    bool same = mqtt_fd >= 0 && mqtt_fd == mqtt_watch.fd && fstat(mqtt_fd, &st) == 0 && st.st_dev == mqtt_watch.dev &&
                st.st_ino == mqtt_watch.ino;
    if (!same) {
      struct stat old {};
      if (mqtt_watch.fd >= 0 && fstat(mqtt_watch.fd, &old) == 0 && old.st_dev == mqtt_watch.dev &&
          old.st_ino == mqtt_watch.ino) {
        epoll_ctl(epoll_fd, EPOLL_CTL_DEL, mqtt_watch.fd, nullptr);
      }
      mqtt_watch = Watched();
      if (mqtt_fd >= 0 && fstat(mqtt_fd, &st) == 0) {
        epoll_event ev{};
        ev.events = wanted;
        ev.data.u64 = kMqttTag;
        if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, mqtt_fd, &ev) == 0) mqtt_watch = Watched{mqtt_fd, st.st_dev, st.st_ino, wanted};
      }
    } else if (wanted != mqtt_watch.events) {
      epoll_event ev{};
      ev.events = wanted;
      ev.data.u64 = kMqttTag;
      if (epoll_ctl(epoll_fd, EPOLL_CTL_MOD, mqtt_fd, &ev) == 0) mqtt_watch.events = wanted;
    }
    epoll_event events[256];
    bool any_file = std::any_of(meters.begin(), meters.end(), [](const auto& m) { return m->always_ready(); });
    int n = epoll_wait(epoll_fd, events, 256, any_file ? 0 : 100);
    bool mqtt_read = false, mqtt_write = false;
    std::vector<size_t> ready;
    for (int e = 0; e < n; ++e) {
      if (events[e].data.u64 == kMqttTag) {
        mqtt_read = (events[e].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) != 0;
        mqtt_write = (events[e].events & EPOLLOUT) != 0;
        continue;
      }
      if (events[e].data.u64 & (kSunSpecTag | kShellyUdpTag)) {
        server_events.push_back(events[e].data.u64);
        continue;
      }
      size_t i = events[e].data.u64;
      hangup[i] = (events[e].events & (EPOLLERR | EPOLLHUP)) != 0;
      ready.push_back(i);
    }
    int64_t now = now_ms();
    mqtt.service(mqtt_read, mqtt_write, now);
    if (mqtt.take_just_connected()) {
      mqtt.publish_now(availability, "online", 1, true);
      for (auto& m : meters) m->announce(mqtt);
    }
    for (size_t i : ready) {
      meters[i]->service(true, hangup[i] != 0, now);
      hangup[i] = 0;
      if (mqtt.connected() && meters[i]->needs_announce()) meters[i]->announce(mqtt);
    }
    for (auto& m : meters) {
      if (m->always_ready()) m->service(true, false, now);
    }
    for (auto& m : meters) m->tick(mqtt, now);  // availability of quiet meters, repeated warnings
    for (auto& s : servers) s->tick(now);
    for (uint64_t tag : server_events) {
      size_t i = static_cast<size_t>(tag & ~(kSunSpecTag | kShellyUdpTag));
      if (tag & kSunSpecTag) servers[i]->service_sunspec(now);
      if (tag & kShellyUdpTag) servers[i]->service_shelly_udp(now);
    }
    server_events.clear();
    // Closed sources reopen on their own schedule; connections under way
    // (a name resolving, a handshake) are checked for their answer and
    // their deadline.
    if (now >= next_reopen_check) {
      next_reopen_check = now + 100;
      for (auto& m : meters) {
        if (m->needs_tick()) m->service(false, false, now);
      }
    }
    mqtt.pump();
    // Group commit: this iteration's readings reach the disk before the loop
    // waits again (after pump(), so the fsync does not delay publishing).
    queue.commit(now);
    history.commit(now);  // at most once a second
    if (web) {
      // Readings as they come; counters once a second.
      bool counters = now >= next_web_status;
      if (counters) next_web_status = now + 1000;
      for (size_t i = 0; i < meters.size(); ++i) {
        if (!counters && meters[i]->reading_count() == shown[i]) continue;
        shown[i] = meters[i]->reading_count();
        web_state.update(i, meters[i]->latest_json(), status_of(*meters[i]));
        if (config.web.api) {
          web_state.update_api(i, meters[i]->counters_json(queue.size(), mqtt.published(), queue.dropped()),
                               meters[i]->demand_json());
        }
      }
      if (web->restart_requested()) break;
    }
    if (now >= next_status) {
      next_status = now + config.status_interval * 1000LL;
      for (auto& m : meters) {
        P1_LOG_INFO("%s; queue %zu, published %llu, dropped %llu", m->status_line().c_str(), queue.size(),
                    static_cast<unsigned long long>(mqtt.published()), static_cast<unsigned long long>(queue.dropped()));
        mqtt.publish_now(m->base() + "/status", status_of(*m), 0, false);
      }
    }
    bool all_finished = true;
    for (auto& m : meters) all_finished = all_finished && m->finished();
    if (all_finished && queue.size() == 0) break;  // a replayed capture is fully delivered
  }
  for (auto& m : meters) m->attach(-1, 0);  // before the epoll set goes
  for (auto& m : meters) m->save_demand();  // the quarter hour in progress survives the restart
  close(epoll_fd);

  // Shutdown: deliver what is queued (for a while), then leave cleanly.
  P1_LOG_INFO("stopping: delivering %zu queued messages", queue.size());
  int64_t deadline = now_ms() + kFlushTimeoutMs;
  while (queue.size() > 0 && mqtt.connected() && now_ms() < deadline) {
    pollfd p{mqtt.socket(), static_cast<short>(POLLIN | (mqtt.wants_write() ? POLLOUT : 0)), 0};
    poll(&p, 1, 100);
    mqtt.service((p.revents & POLLIN) != 0, (p.revents & POLLOUT) != 0, now_ms());
    mqtt.pump();
  }
  if (mqtt.connected()) {
    for (auto& m : meters) mqtt.publish_now(m->base() + "/status", status_of(*m), 0, false);
    mqtt.publish_now(availability, "offline", 1, true);
    for (int i = 0; i < 5; ++i) mqtt.service(false, true, now_ms());
  }
  mqtt.disconnect();
  queue.sync();
  if (queue.size() > 0) P1_LOG_INFO("%zu messages stay queued for the next start", queue.size());
  bool restart = web && web->restart_requested();
  web.reset();
  for (auto& m : meters) m->serve_to(nullptr);
  servers.clear();  // their ports are free before a restart binds them again
  history.commit(now_ms(), true);
  P1_LOG_INFO("stopped");
  if (restart && argv != nullptr) {
    P1_LOG_INFO("restarting with the saved settings");
    std::fflush(stderr);
    execv("/proc/self/exe", argv);
    P1_LOG_ERROR("restart failed: %s", std::strerror(errno));
  }
  return kExitOk;
}

}  // namespace p1d

#include "run_command.h"

#include <poll.h>
#include <signal.h>

#include <chrono>
#include <memory>
#include <vector>

#include "decode_command.h"
#include "log.h"
#include "meter_runner.h"
#include "message_queue.h"
#include "mqtt_client.h"

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

int run_gateway(Config config) {
  LogLevel level = LogLevel::kInfo;
  parse_log_level(config.log_level, level);
  set_log_level(level);
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
  signal(SIGPIPE, SIG_IGN);

  for (const std::string& line : {config.describe()}) P1_LOG_INFO("configuration:\n%s", line.c_str());

  MessageQueue queue;
  std::string error = queue.open(config.queue_dir, config.queue_max);
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

  int64_t next_status = now_ms() + config.status_interval * 1000LL;
  uint64_t reported_dropped = 0;
  while (!g_stop) {
    std::vector<pollfd> fds;
    fds.push_back(pollfd{mqtt.socket(), static_cast<short>(POLLIN | (mqtt.wants_write() ? POLLOUT : 0)), 0});
    for (auto& m : meters) fds.push_back(pollfd{m->fd(), POLLIN, 0});
    poll(fds.data(), fds.size(), 100);
    int64_t now = now_ms();
    mqtt.service((fds[0].revents & (POLLIN | POLLERR | POLLHUP)) != 0, (fds[0].revents & POLLOUT) != 0, now);
    if (mqtt.take_just_connected()) {
      mqtt.publish_now(availability, "online", 1, true);
      for (auto& m : meters) m->announce(mqtt);
    }
    for (size_t i = 0; i < meters.size(); ++i) {
      short revents = fds[i + 1].revents;
      meters[i]->service((revents & (POLLIN | POLLERR | POLLHUP)) != 0, (revents & (POLLERR | POLLHUP)) != 0, now);
      if (mqtt.connected() && meters[i]->needs_announce()) meters[i]->announce(mqtt);
    }
    mqtt.pump();
    if (now >= next_status) {
      next_status = now + config.status_interval * 1000LL;
      for (auto& m : meters) {
        P1_LOG_INFO("%s; queue %zu, published %llu, dropped %llu", m->status_line().c_str(), queue.size(),
                    static_cast<unsigned long long>(mqtt.published()), static_cast<unsigned long long>(queue.dropped()));
        std::string status = m->status_json();
        status.pop_back();
        status += ",\"queue\":" + std::to_string(queue.size()) + ",\"published\":" + std::to_string(mqtt.published()) +
                  ",\"dropped\":" + std::to_string(queue.dropped()) + "}";
        mqtt.publish_now(m->base() + "/status", status, 0, false);
      }
    }
    if (queue.dropped() != reported_dropped) reported_dropped = queue.dropped();
    bool all_finished = true;
    for (auto& m : meters) all_finished = all_finished && m->finished();
    if (all_finished && queue.size() == 0) break;  // a replayed capture is fully delivered
  }

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
    for (auto& m : meters) mqtt.publish_now(m->base() + "/status", m->status_json(), 0, false);
    mqtt.publish_now(availability, "offline", 1, true);
    for (int i = 0; i < 5; ++i) mqtt.service(false, true, now_ms());
  }
  mqtt.disconnect();
  queue.sync();
  if (queue.size() > 0) P1_LOG_INFO("%zu messages stay queued for the next start", queue.size());
  P1_LOG_INFO("stopped");
  return kExitOk;
}

}  // namespace p1d

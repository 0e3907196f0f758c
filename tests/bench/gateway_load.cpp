// Measures p1bridge run on loopback (docs/performance.md):
//   latency  - one meter over TCP: time from a telegram's last byte written to
//              its JSON arriving at a subscriber of the local broker;
//   load N   - N meters over TCP at one telegram per second each: p1bridge's
//              CPU share and peak resident memory, and whether every reading
//              arrived.
// Needs mosquitto; acts as the meters (TCP servers) and the subscriber.
//   gateway_load latency [telegrams]     gateway_load load [meters] [seconds]
//   gateway_load latency-amis ... / load-amis ...: the same with Netz
//   Oberoesterreich's AMIS telegrams (EN 13757-3, OMS mode 5, one a second),
//   which p1bridge must also acknowledge: the E5s it sends back are counted.
#include <arpa/inet.h>
#include <mosquitto.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "../integration/harness.h"
#include "telegram_encoder.h"

namespace {

using Clock = std::chrono::steady_clock;
const char* kKey = "36C66639E48A8CA4D6BC8B282A793BBB";
bool g_amis = false;

std::mutex g_mutex;
std::condition_variable g_cv;
std::map<std::string, long> g_counts;
Clock::time_point g_last_arrival;
long g_total = 0;

void on_message(struct mosquitto*, void*, const struct mosquitto_message* m) {
  std::lock_guard<std::mutex> lock(g_mutex);
  ++g_counts[m->topic];
  ++g_total;
  g_last_arrival = Clock::now();
  g_cv.notify_all();
}

struct Listener {
  int listen_fd = -1;
  int client = -1;
  int port = 0;
};

Listener listen_on_free_port() {
  Listener l;
  l.listen_fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(l.listen_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  listen(l.listen_fd, 1);
  socklen_t len = sizeof addr;
  getsockname(l.listen_fd, reinterpret_cast<sockaddr*>(&addr), &len);
  l.port = ntohs(addr.sin_port);
  return l;
}

p1enc::Bytes telegram(uint32_t fc) {
  if (g_amis) {
    // One telegram a second: the meter clock moves on with each, the 8-bit
    // access number wraps.
    p1enc::AmisValues v;
    v.time.year = 2024;
    v.time.month = 1;
    v.time.day = 1 + fc / 86400 % 28;
    v.time.hour = static_cast<uint8_t>(fc / 3600 % 24);
    v.time.minute = static_cast<uint8_t>(fc / 60 % 60);
    v.time.second = static_cast<uint8_t>(fc % 60);
    v.energy_import_wh = 1000 + fc;
    v.power_import_w = fc % 5000;
    p1enc::OmsParams p;
    auto key = p1enc::from_hex(kKey);
    std::copy(key.begin(), key.end(), p.key);
    p.access_number = static_cast<uint8_t>(fc);
    p.control = fc % 2 ? 0x53 : 0x73;
    return p1enc::oms_frame(p1enc::amis_records(v), p);
  }
  p1enc::EvnValues v;
  v.energy_import_wh = 1000 + fc;
  v.power_import_w = fc % 5000;
  p1enc::CipherParams p;
  auto key = p1enc::from_hex(kKey);
  std::copy(key.begin(), key.end(), p.key);
  p.frame_counter = fc;
  return p1enc::mbus_frames(p1enc::cipher(p1enc::evn_notification(v), p));
}

struct ProcStat {
  double cpu_seconds;
  long rss_kb;
};
ProcStat proc_stat(pid_t pid) {
  ProcStat s{0, 0};
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string field;
  unsigned long utime = 0, stime = 0;
  for (int i = 1; i <= 15 && stat >> field; ++i) {
    if (i == 14) utime = std::stoul(field);
    if (i == 15) stime = std::stoul(field);
  }
  s.cpu_seconds = static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) s.rss_kb = std::stol(line.substr(6));
  }
  return s;
}

int run(const std::string& mode, int meters, int amount) {
  rlimit files{};
  getrlimit(RLIMIT_NOFILE, &files);
  files.rlim_cur = files.rlim_max;
  setrlimit(RLIMIT_NOFILE, &files);

  std::string dir = p1it::temp_dir("load");
  p1it::Broker broker(dir);
  if (!broker.start()) return std::fprintf(stderr, "cannot start mosquitto\n"), 1;
  mosquitto_lib_init();
  mosquitto* sub = mosquitto_new(nullptr, true, nullptr);
  mosquitto_message_callback_set(sub, on_message);
  mosquitto_connect(sub, "127.0.0.1", broker.port(), 30);
  mosquitto_subscribe(sub, nullptr, "m/+/json", 0);
  mosquitto_loop_start(sub);

  std::vector<Listener> listeners(static_cast<size_t>(meters));
  std::ofstream conf(dir + "/p1bridge.toml");
  conf << "[mqtt]\nport = " << broker.port() << "\nqos = 1\ndiscovery = false\n[queue]\ndir = \"" << dir
       << "/queue\"\nmax_messages = 1000000\n[log]\nlevel = \"warn\"\nstatus_interval = 3600\n";
  for (int i = 0; i < meters; ++i) {
    listeners[static_cast<size_t>(i)] = listen_on_free_port();
    conf << "[[meter]]\nname = \"m" << i << "\"\nsource = \"tcp://127.0.0.1:" << listeners[static_cast<size_t>(i)].port
         << "\"\nkey = \"" << kKey << "\"\nbase = \"m/" << i << "\"\n";
  }
  conf.close();
  p1it::Process bridge;
  bridge.start({p1it::p1bridge_bin(), "run", "--config", dir + "/p1bridge.toml"}, dir + "/bridge.log");
  for (Listener& l : listeners) l.client = accept(l.listen_fd, nullptr, nullptr);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));

  if (mode == "latency") {
    std::vector<double> latencies;
    for (int n = 1; n <= amount; ++n) {
      auto bytes = telegram(static_cast<uint32_t>(n));
      long before;
      {
        std::lock_guard<std::mutex> lock(g_mutex);
        before = g_total;
      }
      (void)!write(listeners[0].client, bytes.data(), bytes.size());
      auto sent = Clock::now();
      std::unique_lock<std::mutex> lock(g_mutex);
      if (!g_cv.wait_for(lock, std::chrono::seconds(2), [&] { return g_total > before; })) {
        std::fprintf(stderr, "telegram %d not delivered\n", n);
        continue;
      }
      latencies.push_back(std::chrono::duration<double, std::milli>(g_last_arrival - sent).count());
      lock.unlock();
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    std::sort(latencies.begin(), latencies.end());
    auto pct = [&](double p) { return latencies[static_cast<size_t>(p * (latencies.size() - 1))]; };
    std::printf("latency over %zu telegrams (last byte written -> JSON at a subscriber of the local broker):\n",
                latencies.size());
    std::printf("  median %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms\n", pct(0.5), pct(0.9), pct(0.99),
                latencies.back());
  } else {
    ProcStat start = proc_stat(bridge.pid());
    auto t0 = Clock::now();
    for (int second = 0; second < amount; ++second) {
      auto slot = t0 + std::chrono::seconds(second);
      for (int i = 0; i < meters; ++i) {
        // Spread the meters over the second, as real meters drift apart.
        std::this_thread::sleep_until(slot + std::chrono::microseconds(1000000L * i / meters));
        auto bytes = telegram(static_cast<uint32_t>(second + 1));
        (void)!write(listeners[static_cast<size_t>(i)].client, bytes.data(), bytes.size());
      }
    }
    std::this_thread::sleep_until(t0 + std::chrono::seconds(amount));
    double wall = std::chrono::duration<double>(Clock::now() - t0).count();
    ProcStat end = proc_stat(bridge.pid());
    long expected = static_cast<long>(meters) * amount;
    for (int i = 0; i < 100; ++i) {
      std::lock_guard<std::mutex> lock(g_mutex);
      if (g_total >= expected) break;
      g_mutex.unlock();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      g_mutex.lock();
    }
    long missing_meters = 0;
    {
      std::lock_guard<std::mutex> lock(g_mutex);
      for (int i = 0; i < meters; ++i) {
        if (g_counts["m/" + std::to_string(i) + "/json"] != amount) ++missing_meters;
      }
    }
    std::printf("%d meters x %d s at 1 telegram/s: delivered %ld of %ld, meters with a gap: %ld\n", meters, amount,
                g_total, expected, missing_meters);
    std::printf("  p1bridge CPU %.1f %% of one core, peak RSS %.1f MB\n",
                100.0 * (end.cpu_seconds - start.cpu_seconds) / wall, end.rss_kb / 1024.0);
    if (g_amis) {
      long acks = 0, other = 0;
      for (Listener& l : listeners) {
        uint8_t buffer[4096];
        ssize_t n;
        while ((n = recv(l.client, buffer, sizeof buffer, MSG_DONTWAIT)) > 0) {
          for (ssize_t i = 0; i < n; ++i) (buffer[i] == 0xE5 ? acks : other)++;
        }
      }
      std::printf("  acknowledgements received: %ld E5 for %ld telegrams, %ld other bytes\n", acks, expected, other);
    }
  }
  bridge.stop();
  mosquitto_loop_stop(sub, true);
  broker.stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "latency";
  if (mode.size() > 5 && mode.substr(mode.size() - 5) == "-amis") {
    g_amis = true;
    mode = mode.substr(0, mode.size() - 5);
  }
  if (mode == "latency") return run(mode, 1, argc > 2 ? std::atoi(argv[2]) : 1000);
  return run(mode, argc > 2 ? std::atoi(argv[2]) : 1000, argc > 3 ? std::atoi(argv[3]) : 30);
}

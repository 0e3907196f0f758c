// Several meters in one `p1bridge run`: one meter's trouble (a bridge that
// accepts and hangs up, a host name whose resolver never answers) must never
// stall another, and sources that reconnect onto each other's descriptor
// numbers keep their events. The meters are TCP serial bridges played by
// this test on 127.0.0.1; the telegrams come from p1sim; a real mosquitto
// receives the readings, which are counted (never timed).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "harness.h"

namespace {

using nlohmann::json;
using p1it::Process;
using Clock = std::chrono::steady_clock;

const char* kKey = "36C66639E48A8CA4D6BC8B282A793BBB";

struct TempDir {
  std::string path;
  explicit TempDir(const std::string& name) : path(p1it::temp_dir(name)) {}
  ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
};

int64_t ms_since(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count();
}

using p1it::eventually;

// `count` telegrams from p1sim (wire bytes) and what p1sim logged for each.
struct Telegrams {
  std::vector<std::string> wire;
  std::vector<json> sent;
};

Telegrams sim_telegrams(const std::string& dir, int count) {
  std::string hex_path = dir + "/telegrams.hex", log = dir + "/telegrams.jsonl";
  Process sim;
  EXPECT_TRUE(sim.start({p1it::p1sim_bin(), "--output", "file:" + hex_path, "--hex", "--count", std::to_string(count),
                         "--interval", "0", "--baud", "0", "--log", log},
                        dir + "/p1sim.out"));
  EXPECT_EQ(sim.wait(30000), 0);
  Telegrams t;
  std::ifstream hex(hex_path), sent(log);
  for (std::string line; std::getline(hex, line);) {
    std::string bytes;
    for (size_t i = 0; i + 1 < line.size(); i += 2) bytes += static_cast<char>(std::stoi(line.substr(i, 2), nullptr, 16));
    t.wire.push_back(bytes);
  }
  for (std::string line; std::getline(sent, line);) t.sent.push_back(json::parse(line));
  EXPECT_EQ(t.wire.size(), static_cast<size_t>(count));
  return t;
}

// A listening socket on 127.0.0.1 with a port of its own, served by a thread.
// Until it listens, connections to its port are refused.
class Server {
 public:
  explicit Server(bool listening = true) {
    listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    if (listening) start_listening();
    socklen_t len = sizeof addr;
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  virtual ~Server() { close(listen_fd_); }
  void start_listening() {
    listen(listen_fd_, 16);
    listening_ = true;
  }
  int port() const { return port_; }
  int accepts() const { return accepts_.load(); }
  // Hangs up on the connected client, if any (between two telegrams).
  void drop() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (client_ >= 0) close(client_);
    client_ = -1;
  }

 protected:
  // Accepts a client if one is waiting (up to `wait_ms`); true if connected.
  bool accept_client(int wait_ms) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (client_ >= 0) return true;
    }
    pollfd p{listen_fd_, POLLIN, 0};
    if (!listening_) {
      std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
      return false;
    }
    if (poll(&p, 1, wait_ms) != 1) return false;
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) return false;
    std::lock_guard<std::mutex> lock(mutex_);
    client_ = fd;
    accepted_at_ = Clock::now();
    ++accepts_;
    return true;
  }
  // The bridge hung up (or sent something, which a meter ignores).
  void notice_hangup() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (client_ < 0) return;
    pollfd p{client_, POLLIN, 0};
    char buffer[256];
    if (poll(&p, 1, 0) == 1 && recv(client_, buffer, sizeof buffer, MSG_DONTWAIT) <= 0) {
      close(client_);
      client_ = -1;
    }
  }

  std::mutex mutex_;
  int client_ = -1;
  Clock::time_point accepted_at_;
  std::atomic<bool> stop_{false};

 private:
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> listening_{false};
  std::atomic<int> accepts_{0};
};

// A serial bridge in front of a good meter: one telegram every `interval_ms`
// to whoever is connected; after a reconnect it goes on with the next one, so
// every telegram reaches p1bridge once.
class MeterBridge final : public Server {
 public:
  MeterBridge(std::vector<std::string> telegrams, int interval_ms, bool listening = true)
      : Server(listening), telegrams_(std::move(telegrams)), interval_ms_(interval_ms), thread_([this] { run(); }) {}
  ~MeterBridge() override {
    stop_ = true;
    thread_.join();
    drop();
  }
  size_t sent() const { return sent_.load(); }

 private:
  void run() {
    auto due = Clock::now();
    while (!stop_) {
      if (!accept_client(20)) continue;
      notice_hangup();
      if (sent_ < telegrams_.size() && Clock::now() >= due) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (client_ < 0) continue;
        const std::string& t = telegrams_[sent_];
        if (send(client_, t.data(), t.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(t.size())) ++sent_;
        due = Clock::now() + std::chrono::milliseconds(interval_ms_);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  std::vector<std::string> telegrams_;
  int interval_ms_;
  std::atomic<size_t> sent_{0};
  std::thread thread_;
};

// A bridge whose meter is in trouble: it accepts, sends nothing and hangs up
// `hold_ms` later (0: only when drop() is called), again and again.
class FlappingBridge final : public Server {
 public:
  explicit FlappingBridge(int hold_ms) : hold_ms_(hold_ms), thread_([this] { run(); }) {}
  ~FlappingBridge() override {
    stop_ = true;
    thread_.join();
    drop();
  }

 private:
  void run() {
    while (!stop_) {
      if (!accept_client(20)) continue;
      notice_hangup();
      bool expired = false;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        expired = client_ >= 0 && hold_ms_ > 0 && ms_since(accepted_at_) >= hold_ms_;
      }
      if (expired) drop();
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  int hold_ms_;
  std::thread thread_;
};

std::string meter_section(const std::string& name, const std::string& source) {
  return "[[meter]]\nname = \"" + name + "\"\nsource = \"" + source + "\"\nkey = \"" + kKey + "\"\nbase = \"farm/" +
         name + "\"\n\n";
}

void expect_every_reading_once(const std::vector<std::string>& published, const Telegrams& t) {
  ASSERT_EQ(published.size(), t.sent.size()) << "every reading of the good meter, once";
  for (size_t i = 0; i < published.size(); ++i) {
    json got = json::parse(published[i]);
    EXPECT_EQ(got["w_p"].get<double>(), t.sent[i]["values"]["w_p"].get<double>()) << i;
    EXPECT_EQ(got["u1"].get<double>(), t.sent[i]["values"]["u1"].get<double>()) << i;
  }
}

TEST(MeterSources, OneMetersTroubleNeverStallsTheOthers) {
  TempDir dir("stall");
  Telegrams telegrams = sim_telegrams(dir.path, 12);
  p1it::Broker broker(dir.path);
  ASSERT_TRUE(broker.start());
  p1it::Subscriber sub(broker.port());
  ASSERT_TRUE(sub.subscribe("farm/#"));
  MeterBridge good(telegrams.wire, 250);
  FlappingBridge flapping(100);
  // Before the good meter: a host whose resolver never answers, and one that
  // resolves slowly (300 ms) to a bridge that hangs up every time.
  std::ofstream(dir.path + "/p1bridge.toml")
      << "[mqtt]\nhost = \"127.0.0.1\"\nport = " << broker.port() << "\n\n[queue]\ndir = \"" << dir.path
      << "/queue\"\n\n[web]\nenabled = false\n\n"
      << meter_section("deaddns", "tcp://meter.hang.p1test:2001")
      << meter_section("flapping", "tcp://flap.slow.p1test:" + std::to_string(flapping.port()))
      << meter_section("good", "tcp://127.0.0.1:" + std::to_string(good.port()));
  Process bridge;
  ASSERT_TRUE(bridge.start({p1it::p1bridge_bin(), "run", "--config", dir.path + "/p1bridge.toml"},
                           dir.path + "/bridge.log", {"LD_PRELOAD=" P1_RESOLVER_SHIM}));
  // Liveness, not speed: the deadline is many times what delivery takes.
  bool all = sub.wait_until([&](const auto&) { return sub.payloads("farm/good/json").size() >= telegrams.wire.size(); },
                            60000);
  EXPECT_TRUE(all) << sub.payloads("farm/good/json").size() << " of " << telegrams.wire.size() << " readings\n"
                   << p1it::read_text(dir.path + "/bridge.log");
  EXPECT_EQ(good.sent(), telegrams.wire.size());
  EXPECT_GE(flapping.accepts(), 2) << "the flapping meter was reconnected again and again";
  // It stops at once although a resolver thread still hangs.
  EXPECT_EQ(bridge.stop(5000), 0);
  std::string log = p1it::read_text(dir.path + "/bridge.log");
  EXPECT_NE(log.find("meter flapping: tcp flap.slow.p1test:" + std::to_string(flapping.port()) + " lost"),
            std::string::npos)
      << log;
  expect_every_reading_once(sub.payloads("farm/good/json"), telegrams);
}

TEST(MeterSources, ReconnectedSourcesKeepTheirEventsWhenDescriptorNumbersAreReused) {
  // The good meter (first in the config) reconnects onto the descriptor
  // number the flapping meter (second) has just closed, in the same pass of
  // the run loop. A loop that matched registrations by number alone then
  // removed the good meter's new registration on the flapping meter's
  // behalf, and the good meter never read again.
  //  - The good bridge starts listening only after the flapping meter is
  //    connected, so the flapping meter holds the lower number.
  //  - Each round the good bridge hangs up, and the flapping one a moment
  //    after the good meter's reconnect is due (1 s later).
  //  - A third meter resolves its name slowly (2 s); a loop that resolved
  //    in line stalled meanwhile, so that hang-up and reconnect fell into
  //    one pass. (The fixed loop resolves on a thread and is not stalled.)
  TempDir dir("fdreuse");
  Telegrams telegrams = sim_telegrams(dir.path, 50);
  p1it::Broker broker(dir.path);
  ASSERT_TRUE(broker.start());
  p1it::Subscriber sub(broker.port());
  ASSERT_TRUE(sub.subscribe("farm/#"));
  MeterBridge good(telegrams.wire, 120, false);
  FlappingBridge flapping(0);
  FlappingBridge slowpoke(1);
  std::ofstream(dir.path + "/p1bridge.toml")
      << "[mqtt]\nhost = \"127.0.0.1\"\nport = " << broker.port() << "\n\n[queue]\ndir = \"" << dir.path
      << "/queue\"\n\n[web]\nenabled = false\n\n"
      << meter_section("good", "tcp://127.0.0.1:" + std::to_string(good.port()))
      << meter_section("flapping", "tcp://127.0.0.1:" + std::to_string(flapping.port()))
      << meter_section("slowpoke", "tcp://s.slower.p1test:" + std::to_string(slowpoke.port()));
  Process bridge;
  ASSERT_TRUE(bridge.start({p1it::p1bridge_bin(), "run", "--config", dir.path + "/p1bridge.toml"},
                           dir.path + "/bridge.log", {"LD_PRELOAD=" P1_RESOLVER_SHIM}));
  ASSERT_TRUE(eventually([&] { return flapping.accepts() == 1; }, 20000));
  good.start_listening();
  ASSERT_TRUE(eventually([&] { return good.accepts() == 1; }, 40000));
  for (int round = 1; round <= 5 && good.sent() + 5 < telegrams.wire.size(); ++round) {
    size_t before = sub.payloads("farm/good/json").size();
    EXPECT_TRUE(eventually([&] { return sub.payloads("farm/good/json").size() > before; }, 20000))
        << "round " << round << ": the good meter stopped reading";
    good.drop();
    std::this_thread::sleep_for(std::chrono::milliseconds(1030));
    flapping.drop();
    bool back = eventually([&] { return good.accepts() == round + 1 && flapping.accepts() == round + 1; }, 20000);
    EXPECT_TRUE(back) << "round " << round << ": the good meter did not reconnect (" << good.accepts()
                      << " connections)\n" << p1it::read_text(dir.path + "/bridge.log");
    if (!back) break;
  }
  bool all = sub.wait_until([&](const auto&) { return sub.payloads("farm/good/json").size() >= telegrams.wire.size(); },
                            60000);
  EXPECT_TRUE(all) << sub.payloads("farm/good/json").size() << " of " << telegrams.wire.size() << " readings\n"
                   << p1it::read_text(dir.path + "/bridge.log");
  EXPECT_EQ(bridge.stop(), 0);
  expect_every_reading_once(sub.payloads("farm/good/json"), telegrams);
}

}  // namespace

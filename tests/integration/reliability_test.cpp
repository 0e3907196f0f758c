// Delivery under crashes: the broker killed with messages in flight, a full
// queue while the broker holds messages unacknowledged, and p1bridge itself
// killed during a broker outage. Readings are told apart by the invoke-id
// p1sim numbers them with (1, 2, 3, ... in the raw APDU), so every loss,
// duplicate and reordering is counted, not guessed from values.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "harness.h"
#include "lossy_proxy.h"

namespace {

using p1it::Process;

const char* kKey = "36C66639E48A8CA4D6BC8B282A793BBB";
constexpr size_t kWindow = 20;  // p1bridge's messages in flight (mqtt_client.cpp)

// The reading number p1sim put in the notification's invoke-id
// (0x80000000 + n), from the hex of the decrypted APDU.
long reading_number(const std::string& raw_hex) {
  if (raw_hex.size() < 10 || raw_hex.compare(0, 2, "0F") != 0) return -1;
  return static_cast<long>(std::stoul(raw_hex.substr(2, 8), nullptr, 16) - 0x80000000ul);
}

size_t lines_in(const std::string& path) {
  std::ifstream in(path);
  size_t n = 0;
  std::string line;
  while (std::getline(in, line)) n += line.empty() ? 0 : 1;
  return n;
}

// What arrived, against readings 1..sent.
struct Tally {
  size_t received = 0;    // messages, duplicates included
  size_t distinct = 0;    // readings
  size_t duplicates = 0;  // received - distinct
  size_t lost = 0;        // of 1..sent, never arrived
  bool in_order = true;   // first arrivals come in increasing order
  std::string describe() const {
    return "received " + std::to_string(received) + ", distinct " + std::to_string(distinct) + ", duplicates " +
           std::to_string(duplicates) + ", lost " + std::to_string(lost) + (in_order ? ", in order" : ", OUT OF ORDER");
  }
};

Tally tally(const std::vector<std::string>& payloads, long sent) {
  Tally t;
  std::map<long, int> seen;
  long last_new = 0;
  for (const std::string& p : payloads) {
    long n = reading_number(p);
    ++t.received;
    if (seen[n]++ > 0) continue;
    if (n <= last_new) t.in_order = false;
    last_new = n;
  }
  t.distinct = seen.size();
  t.duplicates = t.received - t.distinct;
  for (long n = 1; n <= sent; ++n) t.lost += seen.count(n) == 0 ? 1 : 0;
  return t;
}

// The figures go to the test's XML output and to stdout, for docs/reliability.md.
void report(const std::string& name, long sent, const Tally& t, uint64_t dropped = 0) {
  std::printf("[figures] %s: sent %ld, received %zu, distinct %zu, duplicates %zu, not delivered %zu (dropped and "
              "counted %llu, lost %lld), %s\n",
              name.c_str(), sent, t.received, t.distinct, t.duplicates, t.lost, static_cast<unsigned long long>(dropped),
              static_cast<long long>(t.lost) - static_cast<long long>(dropped), t.in_order ? "in order" : "OUT OF ORDER");
  ::testing::Test::RecordProperty(name + "_sent", static_cast<int>(sent));
  ::testing::Test::RecordProperty(name + "_distinct", static_cast<int>(t.distinct));
  ::testing::Test::RecordProperty(name + "_duplicates", static_cast<int>(t.duplicates));
  ::testing::Test::RecordProperty(name + "_not_delivered", static_cast<int>(t.lost));
  ::testing::Test::RecordProperty(name + "_dropped", static_cast<int>(dropped));
}

struct Rig {
  std::string dir;
  p1it::Broker broker;
  p1it::Subscriber* sub = nullptr;
  Process sim, bridge;
  std::string link, sim_log;
  int mqtt_port = 0;  // where p1bridge connects, if not straight to the broker
  explicit Rig(const std::string& name) : dir(p1it::temp_dir(name)), broker(dir) {}
  ~Rig() {
    bridge.stop();
    sim.stop();
    delete sub;
    broker.stop();
    // Kept when the test failed (or P1IT_KEEP is set), for the logs.
    if (!::testing::Test::HasFailure() && std::getenv("P1IT_KEEP") == nullptr) {
      std::system(("rm -rf '" + dir + "'").c_str());
    }
  }
  void start_broker_and_subscriber() {
    ASSERT_TRUE(broker.start());
    sub = new p1it::Subscriber(broker.port());
    ASSERT_TRUE(sub->subscribe("smartmeter/#", 2));
  }
  void start_sim(long count, double interval) {
    link = dir + "/meter.tty";
    sim_log = dir + "/meter.jsonl";
    ASSERT_TRUE(sim.start({p1it::p1sim_bin(), "--output", "pty", "--link", link, "--log", sim_log, "--count",
                           std::to_string(count), "--interval", std::to_string(interval), "--baud", "0", "--delay", "1.5"},
                          dir + "/sim.out"));
    for (int i = 0; i < 100 && access(link.c_str(), F_OK) != 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::vector<std::string> bridge_args(int qos, std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {p1it::p1bridge_bin(), "run", "--port", link, "--key", kKey, "--mqtt-port",
                                     std::to_string(mqtt_port != 0 ? mqtt_port : broker.port()), "--queue-dir", dir + "/queue", "--status-interval",
                                     "1", "--mode", "raw", "--qos", std::to_string(qos), "--no-discovery"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
  }
  void start_bridge(int qos, std::vector<std::string> extra = {}) {
    ASSERT_TRUE(bridge.start(bridge_args(qos, extra), dir + "/bridge.log"));
  }
  std::vector<std::string> raw() { return sub->payloads("smartmeter/raw"); }
  size_t distinct() {
    auto r = raw();
    std::sort(r.begin(), r.end());
    return static_cast<size_t>(std::unique(r.begin(), r.end()) - r.begin());
  }
  bool wait_distinct(size_t n, int timeout_ms) {
    auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < end) {
      if (distinct() >= n) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return distinct() >= n;
  }
  bool wait_sent(size_t n, int timeout_ms) {
    auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (lines_in(sim_log) < n && std::chrono::steady_clock::now() < end) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return lines_in(sim_log) >= n;
  }
  // The broker stopped, then `extra` more readings sent: p1bridge has a full
  // window published into the stopped broker's socket, none acknowledged.
  void hold_messages_in_flight(size_t extra) {
    broker.pause();
    ASSERT_TRUE(wait_sent(lines_in(sim_log) + extra, 20000));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // p1bridge reads and publishes them
  }
  // The broker back on the same port with no memory of anything. p1bridge is
  // held still meanwhile so the subscriber is subscribed again before
  // p1bridge can publish: otherwise the broker would rightly drop messages
  // nobody is subscribed to, and the test would blame p1bridge.
  void restart_broker() {
    bridge.pause();
    int before = sub->subacks();
    ASSERT_TRUE(broker.start());
    auto end = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (sub->subacks() == before && std::chrono::steady_clock::now() < end) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ASSERT_GT(sub->subacks(), before) << "the subscriber did not come back";
    bridge.resume();
  }
  std::string log() { return p1it::read_text(dir + "/bridge.log"); }
  // Waits for the status line (logged every second) that counts all `sent`
  // readings and takes its dropped count: p1bridge has queued all of them.
  bool wait_status(long sent, uint64_t& dropped) {
    std::string needle = ", " + std::to_string(sent) + " readings";  // the status line (meter_runner.cpp)
    auto end = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    for (;;) {
      std::string text = log();
      size_t at = text.rfind(needle);
      if (at != std::string::npos) {
        size_t d = text.find("dropped ", at);
        if (d != std::string::npos) {
          dropped = std::stoull(text.substr(d + 8));
          return true;
        }
      }
      if (std::chrono::steady_clock::now() > end) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
};

// The broker dies (kill -9) while p1bridge has a window of messages in
// flight: held unacknowledged (the broker stopped, then killed) and, at QoS 1,
// once more at an arbitrary moment under load. Every reading arrives, in order.
// The held messages never reached the broker's logic, so sending them again
// creates no duplicate; the arbitrary kill may duplicate, at QoS 1, only what
// was in flight.
void broker_killed_in_flight(int qos) {
  Rig rig(qos == 1 ? "kill-broker-q1" : "kill-broker-q2");
  ASSERT_NO_FATAL_FAILURE(rig.start_broker_and_subscriber());
  const long sent = 200;
  ASSERT_NO_FATAL_FAILURE(rig.start_sim(sent, 0.03));
  ASSERT_NO_FATAL_FAILURE(rig.start_bridge(qos));
  ASSERT_TRUE(rig.wait_distinct(20, 20000)) << rig.log();

  ASSERT_NO_FATAL_FAILURE(rig.hold_messages_in_flight(kWindow + 10));
  size_t before_held = rig.raw().size();
  rig.broker.kill_now();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_NO_FATAL_FAILURE(rig.restart_broker());
  ASSERT_TRUE(rig.wait_distinct(before_held + kWindow + 10, 30000)) << rig.log();
  Tally held = tally(rig.raw(), 0);

  size_t kills = 1;
  if (qos == 1) {
    ASSERT_TRUE(rig.wait_distinct(held.distinct + 20, 30000)) << rig.log();
    rig.broker.kill_now();
    ++kills;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    ASSERT_NO_FATAL_FAILURE(rig.restart_broker());
  }
  ASSERT_EQ(rig.sim.wait(60000), 0);
  ASSERT_TRUE(rig.wait_distinct(sent, 60000)) << tally(rig.raw(), sent).describe() << "\n" << rig.log();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // late duplicates would show now
  EXPECT_EQ(rig.bridge.stop(), 0);

  ASSERT_EQ(lines_in(rig.sim_log), static_cast<size_t>(sent));
  Tally t = tally(rig.raw(), sent);
  report(qos == 1 ? "broker_kill_qos1" : "broker_kill_qos2", sent, t);
  EXPECT_EQ(t.lost, 0u) << t.describe();
  EXPECT_TRUE(t.in_order) << t.describe();
  EXPECT_EQ(held.duplicates, 0u) << "messages the broker never processed were sent twice: " << held.describe();
  if (qos == 2) {
    EXPECT_EQ(t.duplicates, 0u) << t.describe();
  } else {
    EXPECT_LE(t.duplicates, kWindow * (kills - 1)) << t.describe();
  }
}

TEST(Reliability, BrokerKilledWithMessagesInFlightQos1) { broker_killed_in_flight(1); }
TEST(Reliability, BrokerKilledWithMessagesInFlightQos2) { broker_killed_in_flight(2); }

// The broker takes and delivers a window of messages whose PUBACKs are lost
// with the connection: those, and only those, arrive twice (QoS 1 allows
// it, and p1bridge cannot know they arrived). Nothing is lost or reordered.
void acknowledgements_lost(int qos) {
  Rig rig(qos == 1 ? "lost-acks-q1" : "lost-acks-q2");
  ASSERT_NO_FATAL_FAILURE(rig.start_broker_and_subscriber());
  p1it::LossyProxy proxy(rig.broker.port());
  rig.mqtt_port = proxy.port();
  const long sent = 150;
  ASSERT_NO_FATAL_FAILURE(rig.start_sim(sent, 0.03));
  ASSERT_NO_FATAL_FAILURE(rig.start_bridge(qos));
  ASSERT_TRUE(rig.wait_distinct(20, 20000)) << rig.log();
  proxy.lose_replies();
  ASSERT_TRUE(rig.wait_sent(lines_in(rig.sim_log) + kWindow + 10, 20000));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  Tally before_cut = tally(rig.raw(), 0);
  proxy.cut();
  ASSERT_EQ(rig.sim.wait(60000), 0);
  ASSERT_TRUE(rig.wait_distinct(sent, 60000)) << tally(rig.raw(), sent).describe() << "\n" << rig.log();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(rig.bridge.stop(), 0);

  Tally t = tally(rig.raw(), sent);
  report(qos == 1 ? "lost_acks_qos1" : "lost_acks_qos2", sent, t);

  EXPECT_EQ(before_cut.duplicates, 0u);
  EXPECT_EQ(t.lost, 0u) << t.describe();
  EXPECT_TRUE(t.in_order) << t.describe();
  if (qos == 1) {
    EXPECT_GT(t.duplicates, 0u) << "no acknowledgement was lost: the test proves nothing";
    EXPECT_LE(t.duplicates, kWindow) << t.describe();
  } else {
    EXPECT_EQ(t.duplicates, 0u) << t.describe();
  }
}

TEST(Reliability, PubacksLostWithTheConnectionDuplicateAtMostTheWindow) { acknowledgements_lost(1); }
TEST(Reliability, PubrecsLostWithTheConnectionDuplicateNothingAtQos2) { acknowledgements_lost(2); }

// QoS 2 messages the broker acknowledged with PUBREC but never released
// (their PUBRELs lost), then the broker killed and restarted without any
// memory of them. libmosquitto alone would send the PUBRELs again, get
// PUBCOMPs for messages the broker no longer has, and they would be lost;
// p1bridge sees that the session is gone and publishes them again.
TEST(Reliability, BrokerRestartedWithoutOurSessionGetsTheQos2MessagesItHadNotReleased) {
  Rig rig("qos2-session-lost");
  ASSERT_NO_FATAL_FAILURE(rig.start_broker_and_subscriber());
  p1it::LossyProxy proxy(rig.broker.port());
  rig.mqtt_port = proxy.port();
  const long sent = 120;
  ASSERT_NO_FATAL_FAILURE(rig.start_sim(sent, 0.03));
  ASSERT_NO_FATAL_FAILURE(rig.start_bridge(2));
  ASSERT_TRUE(rig.wait_distinct(20, 20000)) << rig.log();
  proxy.lose_client_packets(6);  // PUBREL
  ASSERT_TRUE(rig.wait_sent(lines_in(rig.sim_log) + kWindow + 10, 20000));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  Tally before = tally(rig.raw(), 0);
  rig.broker.kill_now();
  proxy.cut();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_NO_FATAL_FAILURE(rig.restart_broker());
  ASSERT_EQ(rig.sim.wait(60000), 0);
  ASSERT_TRUE(rig.wait_distinct(sent, 60000)) << tally(rig.raw(), sent).describe() << "\n" << rig.log();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(rig.bridge.stop(), 0);

  Tally t = tally(rig.raw(), sent);
  report("qos2_session_lost", sent, t);
  EXPECT_LE(before.distinct + 2, static_cast<size_t>(sent)) << "nothing was held unreleased";
  EXPECT_EQ(t.lost, 0u) << t.describe();
  EXPECT_TRUE(t.in_order) << t.describe();
  EXPECT_EQ(t.duplicates, 0u) << t.describe();
}

// p1bridge killed while the broker holds a window of QoS 2 messages it has
// taken but not released (their PUBRECs were lost), then started again. The
// broker still has that session, with packet ids the new p1bridge will reuse
// for other readings: without wiping it first the broker would take them for
// the old ones. Every reading arrives, in order.
TEST(Reliability, BridgeRestartedWhileTheBrokerHoldsUnfinishedQos2Exchanges) {
  Rig rig("qos2-restart");
  ASSERT_NO_FATAL_FAILURE(rig.start_broker_and_subscriber());
  p1it::LossyProxy proxy(rig.broker.port());
  rig.mqtt_port = proxy.port();
  const long sent = 100;
  ASSERT_NO_FATAL_FAILURE(rig.start_sim(sent, 0.03));
  ASSERT_NO_FATAL_FAILURE(rig.start_bridge(2));
  ASSERT_TRUE(rig.wait_distinct(20, 20000)) << rig.log();
  proxy.lose_replies();
  ASSERT_EQ(rig.sim.wait(60000), 0);
  uint64_t dropped = 0;
  ASSERT_TRUE(rig.wait_status(sent, dropped)) << rig.log();
  rig.bridge.kill_now();
  proxy.cut();
  ASSERT_NO_FATAL_FAILURE(rig.start_bridge(2));
  ASSERT_TRUE(rig.wait_distinct(sent, 60000)) << tally(rig.raw(), sent).describe() << "\n" << rig.log();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(rig.bridge.stop(), 0);

  Tally t = tally(rig.raw(), sent);
  report("qos2_restart", sent, t);
  EXPECT_EQ(t.lost, 0u) << t.describe();
  EXPECT_TRUE(t.in_order) << t.describe();
  // Across a restart, a message the broker released but whose PUBCOMP died
  // with p1bridge is sent again (mqtt_client.h): at most the window.
  EXPECT_LE(t.duplicates, kWindow) << t.describe();
}

// A queue of 30 while the stopped broker holds a window of 20
// unacknowledged: the readings that may go (counted) are the oldest waiting
// ones, never those in flight. Then p1bridge and the broker are killed, so
// only p1bridge's journal knows what is left; after the restart every reading
// is delivered or was counted dropped, and the ones in flight are delivered.
TEST(Reliability, FullQueueNeverDropsAMessageInFlight) {
  Rig rig("full-queue");
  ASSERT_NO_FATAL_FAILURE(rig.start_broker_and_subscriber());
  const long sent = 100;
  ASSERT_NO_FATAL_FAILURE(rig.start_sim(sent, 0.03));
  std::ofstream(rig.dir + "/small-queue.toml") << "[queue]\nmax_messages = 30\n";
  ASSERT_NO_FATAL_FAILURE(rig.start_bridge(1, {"--config", rig.dir + "/small-queue.toml"}));
  ASSERT_TRUE(rig.wait_distinct(10, 20000)) << rig.log();
  rig.broker.pause();
  ASSERT_EQ(rig.sim.wait(60000), 0);  // all the rest sent to a broker that acknowledges nothing
  uint64_t dropped = 0;
  ASSERT_TRUE(rig.wait_status(sent, dropped)) << rig.log();
  // Delivery is in order, so what arrived before the broker stopped is 1..d0
  // and the window in flight is d0+1..d0+20.
  long d0 = 0;
  for (const std::string& p : rig.raw()) d0 = std::max(d0, reading_number(p));
  rig.bridge.kill_now();
  rig.broker.kill_now();
  ASSERT_NO_FATAL_FAILURE(rig.start_bridge(1, {"--config", rig.dir + "/small-queue.toml"}));
  ASSERT_NO_FATAL_FAILURE(rig.restart_broker());
  rig.wait_distinct(static_cast<size_t>(sent) - dropped, 30000);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(rig.bridge.stop(), 0);

  Tally t = tally(rig.raw(), sent);
  report("full_queue", sent, t, dropped);
  EXPECT_GT(dropped, 0u) << "the queue never filled: the test proves nothing";
  std::map<long, int> seen;
  for (const std::string& p : rig.raw()) ++seen[reading_number(p)];
  for (long n = d0 + 1; n <= d0 + static_cast<long>(kWindow); ++n) {
    EXPECT_EQ(seen.count(n), 1u) << "reading " << n << " was in flight when the queue filled, and is lost";
  }
  EXPECT_EQ(t.distinct + dropped, static_cast<size_t>(sent)) << "a reading neither delivered nor counted: " << t.describe();
  EXPECT_EQ(t.duplicates, 0u) << t.describe();
  EXPECT_TRUE(t.in_order) << t.describe();
}

// p1bridge killed (kill -9) while the broker is down with readings queued,
// some of them in flight when the broker died; then both restarted. Every
// reading arrives once, in order.
TEST(Reliability, BridgeKilledDuringBrokerOutageLosesNothing) {
  Rig rig("kill-bridge");
  ASSERT_NO_FATAL_FAILURE(rig.start_broker_and_subscriber());
  const long sent = 100;
  ASSERT_NO_FATAL_FAILURE(rig.start_sim(sent, 0.03));
  ASSERT_NO_FATAL_FAILURE(rig.start_bridge(1));
  ASSERT_TRUE(rig.wait_distinct(20, 20000)) << rig.log();
  ASSERT_NO_FATAL_FAILURE(rig.hold_messages_in_flight(kWindow + 10));
  rig.broker.kill_now();
  // Every reading read by p1bridge (its status line counts them), then kill -9.
  ASSERT_EQ(rig.sim.wait(60000), 0);
  uint64_t dropped = 0;
  ASSERT_TRUE(rig.wait_status(sent, dropped)) << rig.log();
  ASSERT_EQ(dropped, 0u);
  size_t before_kill = rig.distinct();
  rig.bridge.kill_now();

  ASSERT_NO_FATAL_FAILURE(rig.start_bridge(1));
  ASSERT_NO_FATAL_FAILURE(rig.restart_broker());
  ASSERT_TRUE(rig.wait_distinct(sent, 60000)) << tally(rig.raw(), sent).describe() << "\n" << rig.log();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(rig.bridge.stop(), 0);

  Tally t = tally(rig.raw(), sent);
  report("bridge_kill", sent, t);
  EXPECT_LT(before_kill, static_cast<size_t>(sent)) << "nothing was left to deliver after the kill";
  EXPECT_EQ(t.lost, 0u) << t.describe();
  EXPECT_TRUE(t.in_order) << t.describe();
  EXPECT_EQ(t.duplicates, 0u) << t.describe();
}

// QoS 0: libmosquitto reports a QoS 0 message as sent from inside
// mosquitto_publish(), before the caller knows its mid; the window must not
// fill with messages that were sent long ago.
TEST(Reliability, Qos0DeliversMoreThanAWindow) {
  Rig rig("qos0");
  ASSERT_NO_FATAL_FAILURE(rig.start_broker_and_subscriber());
  const long sent = 60;
  ASSERT_NO_FATAL_FAILURE(rig.start_sim(sent, 0.02));
  ASSERT_NO_FATAL_FAILURE(rig.start_bridge(0));
  ASSERT_EQ(rig.sim.wait(60000), 0);
  EXPECT_TRUE(rig.wait_distinct(sent, 20000)) << tally(rig.raw(), sent).describe() << "\n" << rig.log();
  EXPECT_EQ(rig.bridge.stop(), 0);
  Tally t = tally(rig.raw(), sent);
  report("qos0", sent, t);
  EXPECT_EQ(t.lost, 0u) << t.describe();
  EXPECT_TRUE(t.in_order) << t.describe();
}

}  // namespace

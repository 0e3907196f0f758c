// Netz Oberoesterreich's AMIS meter end to end: p1sim plays the TD-3511 (the
// bus master: it searches with SND_NKE, sends a SND_UD per interval only
// while each is acknowledged with E5, falls back to searching after 10
// misses), p1bridge reads it at 9600 8E1 over a pseudo-terminal or over TCP
// (ser2net) and must answer; a real mosquitto receives the readings. The
// simulator logs whether each telegram was acknowledged. Waits are bounded
// only so a broken build fails instead of hanging.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "harness.h"

namespace {

using nlohmann::json;
using p1it::Process;

const char* kSpecKey = "00112233445566778899AABBCCDDEEFF";

std::vector<json> sim_log(const std::string& path) { return p1it::json_lines(path); }

size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

using p1it::eventually;

struct AmisRig {
  std::string dir;
  p1it::Broker broker;
  p1it::Subscriber* sub = nullptr;
  Process sim, bridge;
  std::string link, log, sim_out, bridge_log;
  explicit AmisRig(const std::string& name) : dir(p1it::temp_dir(name)), broker(dir) {
    link = dir + "/amis.tty";
    log = dir + "/amis.jsonl";
    sim_out = dir + "/amis.out";
    bridge_log = dir + "/bridge.log";
  }
  ~AmisRig() { delete sub; }
  bool start_broker() {
    if (!broker.start()) return false;
    sub = new p1it::Subscriber(broker.port());
    return sub->subscribe("#");
  }
  bool start_sim(std::vector<std::string> extra) {
    std::vector<std::string> argv = {p1it::p1sim_bin(), "--family", "amis", "--key", kSpecKey, "--log", log};
    argv.insert(argv.end(), extra.begin(), extra.end());
    if (!sim.start(argv, sim_out)) return false;
    return true;
  }
  bool start_bridge(const std::string& source, std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {p1it::p1bridge_bin(), "run", "--port", source, "--baud", "9600", "--parity",
                                     "even", "--key", kSpecKey, "--mqtt-port", std::to_string(broker.port()),
                                     "--queue-dir", dir + "/queue", "--status-interval", "1", "--no-web"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return bridge.start(argv, bridge_log);
  }
  std::vector<json> published() {
    std::vector<json> out;
    for (const std::string& p : sub->payloads("smartmeter/json")) out.push_back(json::parse(p));
    return out;
  }
};

// Every logged (sent) telegram that was acknowledged arrived with its values.
void expect_published_as_sent(const std::vector<json>& sent, const std::vector<json>& published) {
  size_t matched = 0;
  for (const json& s : sent) {
    if (s["acked"] != true) continue;
    for (const json& p : published) {
      bool same = true;
      for (auto it = s["values"].begin(); it != s["values"].end(); ++it) {
        same = same && p.contains(it.key()) && p[it.key()].get<double>() == it.value().get<double>();
      }
      if (same) {
        ++matched;
        break;
      }
    }
  }
  EXPECT_GE(matched, 1u);
  EXPECT_EQ(matched, std::count_if(sent.begin(), sent.end(), [](const json& s) { return s["acked"] == true; }));
}

TEST(AmisLine, PtyAt9600To8E1WithAcknowledgements) {
  AmisRig s("amis-pty");
  ASSERT_TRUE(s.start_broker());
  ASSERT_TRUE(s.start_sim({"--output", "pty", "--link", s.link, "--count", "5", "--interval", "0.5",
                           "--search-interval", "1"}));
  ASSERT_TRUE(eventually([&] { return access(s.link.c_str(), F_OK) == 0; }, 5000));
  ASSERT_TRUE(s.start_bridge(s.link));
  ASSERT_EQ(s.sim.wait(60000), 0) << p1it::read_text(s.sim_out) << p1it::read_text(s.bridge_log);
  ASSERT_TRUE(s.sub->wait_until([&](const auto&) { return s.published().size() >= 5; }, 10000))
      << p1it::read_text(s.bridge_log);
  auto sent = sim_log(s.log);
  ASSERT_EQ(sent.size(), 5u);
  for (const json& t : sent) EXPECT_EQ(t["acked"], true) << t.dump();  // every SND_UD got its E5
  EXPECT_GE(count_of(p1it::read_text(s.sim_out), "reader found"), 1u);
  auto published = s.published();
  expect_published_as_sent(sent, published);
  EXPECT_EQ(published[0]["obis"].size(), 10u);
  EXPECT_EQ(published[0].count("timestamp"), 1u);
  // The status counts the acknowledgements (the search and each telegram).
  ASSERT_TRUE(s.sub->wait_until([&](const auto&) {
    auto status = s.sub->payloads("smartmeter/status");
    return !status.empty() && json::parse(status.back())["acknowledgements"].get<int>() >= 6;
  }, 10000));
  EXPECT_EQ(s.bridge.stop(), 0);
}

TEST(AmisLine, TcpSerialBridgeWithAnIrHeadThatEchoes) {
  AmisRig s("amis-tcp");
  ASSERT_TRUE(s.start_broker());
  int port = p1it::free_port();
  ASSERT_TRUE(s.start_sim({"--output", "tcp:" + std::to_string(port), "--echo", "--count", "4", "--interval", "0.5",
                           "--search-interval", "1"}));
  ASSERT_TRUE(p1it::wait_for_port(port, 5000));
  ASSERT_TRUE(s.start_bridge("tcp://127.0.0.1:" + std::to_string(port)));
  ASSERT_EQ(s.sim.wait(60000), 0) << p1it::read_text(s.sim_out) << p1it::read_text(s.bridge_log);
  ASSERT_TRUE(s.sub->wait_until([&](const auto&) { return s.published().size() >= 4; }, 10000))
      << p1it::read_text(s.bridge_log);
  auto sent = sim_log(s.log);
  ASSERT_EQ(sent.size(), 4u);
  for (const json& t : sent) EXPECT_EQ(t["acked"], true) << t.dump();
  expect_published_as_sent(sent, s.published());
  // The echoed E5s were skipped, never reported as errors.
  EXPECT_EQ(count_of(p1it::read_text(s.bridge_log), "telegram "), 0u) << p1it::read_text(s.bridge_log);
  EXPECT_EQ(s.bridge.stop(), 0);
}

TEST(AmisLine, AReaderThatDoesNotAcknowledgeGetsOnlySearches) {
  AmisRig s("amis-quiet");
  ASSERT_TRUE(s.start_broker());
  ASSERT_TRUE(s.start_sim({"--output", "pty", "--link", s.link, "--count", "2", "--search-interval", "0.5"}));
  ASSERT_TRUE(eventually([&] { return access(s.link.c_str(), F_OK) == 0; }, 5000));
  ASSERT_TRUE(s.start_bridge(s.link, {"--acknowledge", "false"}));
  ASSERT_TRUE(eventually([&] { return count_of(p1it::read_text(s.sim_out), "search") >= 6; }, 20000));
  EXPECT_EQ(count_of(p1it::read_text(s.sim_out), "reader found"), 0u);
  EXPECT_TRUE(sim_log(s.log).empty());  // not one SND_UD
  EXPECT_TRUE(s.published().empty());
  EXPECT_EQ(s.bridge.stop(), 0);
  s.sim.stop();
}

TEST(AmisLine, TheMeterFallsBackToSearchingWhenAcknowledgementsStop) {
  AmisRig s("amis-fallback");
  ASSERT_TRUE(s.start_broker());
  ASSERT_TRUE(s.start_sim({"--output", "pty", "--link", s.link, "--interval", "0.3", "--ack-timeout", "0.2",
                           "--search-interval", "0.5"}));
  ASSERT_TRUE(eventually([&] { return access(s.link.c_str(), F_OK) == 0; }, 5000));
  ASSERT_TRUE(s.start_bridge(s.link));
  ASSERT_TRUE(s.sub->wait_until([&](const auto&) { return s.published().size() >= 2; }, 20000))
      << p1it::read_text(s.sim_out) << p1it::read_text(s.bridge_log);
  s.bridge.pause();  // holds the line, answers nothing
  ASSERT_TRUE(eventually([&] { return count_of(p1it::read_text(s.sim_out), "searching again") >= 1; }, 20000))
      << p1it::read_text(s.sim_out);
  auto sent = sim_log(s.log);
  size_t missed = std::count_if(sent.begin(), sent.end(), [](const json& t) { return t["acked"] == false; });
  EXPECT_GE(missed, 10u);
  s.bridge.resume();  // answers the next search: the meter sends again
  ASSERT_TRUE(eventually([&] { return count_of(p1it::read_text(s.sim_out), "reader found") >= 2; }, 20000))
      << p1it::read_text(s.sim_out);
  size_t before = s.published().size();
  ASSERT_TRUE(s.sub->wait_until([&](const auto&) { return s.published().size() >= before + 2; }, 20000));
  EXPECT_EQ(s.bridge.stop(), 0);
  s.sim.stop();
}

}  // namespace

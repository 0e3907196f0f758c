// `p1bridge run` end to end on loopback: p1sim on a pseudo-terminal at
// 2400 8E1 (or faster for the fault tests), p1bridge reading it, a real
// mosquitto broker, and a subscriber comparing what arrives with what p1sim
// encoded.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "harness.h"

namespace {

using nlohmann::json;
using p1it::Process;

const char* kKey = "36C66639E48A8CA4D6BC8B282A793BBB";

std::vector<json> sim_log(const std::string& path) { return p1it::json_lines(path); }

// Published JSON carries the values p1sim encoded, key by key.
bool same_values(const json& published, const json& sent) {
  for (auto it = sent.begin(); it != sent.end(); ++it) {
    if (!published.contains(it.key())) return false;
    if (published[it.key()].get<double>() != it.value().get<double>()) return false;
  }
  return true;
}

std::vector<json> parse_all(const std::vector<std::string>& payloads) {
  std::vector<json> out;
  for (const std::string& p : payloads) out.push_back(json::parse(p));
  return out;
}

using Sim = p1it::PtySim;

std::vector<std::string> bridge_args(const std::string& dir, int port, const std::string& source,
                                     std::vector<std::string> extra = {}) {
  std::vector<std::string> argv = {p1it::p1bridge_bin(), "run", "--port", source, "--key", kKey, "--mqtt-port",
                                   std::to_string(port), "--queue-dir", dir + "/queue", "--status-interval", "1"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

TEST(Gateway, PtyAt2400To8E1ToBrokerInEveryForm) {
  std::string dir = p1it::temp_dir("e2e");
  p1it::Broker broker(dir);
  ASSERT_TRUE(broker.start());
  p1it::Subscriber sub(broker.port());
  ASSERT_TRUE(sub.subscribe("#"));
  Sim sim;
  sim.start(dir, "meter", {"--count", "4", "--interval", "0.2", "--baud", "2400", "--delay", "1.5"});
  Process bridge;
  ASSERT_TRUE(bridge.start(bridge_args(dir, broker.port(), sim.link, {"--mode", "raw,topics,json"}), dir + "/bridge.log"));
  ASSERT_EQ(sim.process.wait(30000), 0);
  ASSERT_TRUE(sub.wait_until([](const auto& m) {
    return std::count_if(m.begin(), m.end(), [](const p1it::Received& r) { return r.topic == "smartmeter/json"; }) >= 4;
  }, 10000)) << p1it::read_text(dir + "/bridge.log");
  EXPECT_EQ(bridge.stop(), 0);
  sub.wait_until([&](const auto&) {
    auto a = sub.payloads("smartmeter/availability");
    return !a.empty() && a.back() == "offline";
  }, 5000);

  auto sent = sim_log(sim.log);
  auto published = parse_all(sub.payloads("smartmeter/json"));
  ASSERT_EQ(sent.size(), 4u);
  ASSERT_EQ(published.size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_TRUE(same_values(published[i], sent[i]["values"])) << published[i].dump() << " vs " << sent[i].dump();
  }
  // Topics mode: every value on its own topic, equal to what was encoded.
  for (auto it = sent[0]["values"].begin(); it != sent[0]["values"].end(); ++it) {
    auto values = sub.payloads("smartmeter/" + it.key());
    ASSERT_EQ(values.size(), 4u) << it.key();
    for (size_t i = 0; i < 4; ++i) {
      EXPECT_EQ(std::stod(values[i]), sent[i]["values"][it.key()].get<double>()) << it.key() << " " << i;
    }
  }
  EXPECT_EQ(sub.payloads("smartmeter/meternumber").front(), "181220000009");
  // Raw mode: the decrypted data-notification, carrying the encoded registers.
  auto raw = sub.payloads("smartmeter/raw");
  ASSERT_EQ(raw.size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(raw[i].substr(0, 2), "0F");
    char w_p[32];
    std::snprintf(w_p, sizeof w_p, "0100010800FF06%08llX",
                  static_cast<unsigned long long>(sent[i]["values"]["w_p"].get<uint64_t>()));
    EXPECT_NE(raw[i].find(w_p), std::string::npos) << raw[i];
  }
  // Home Assistant discovery: retained, with classes for the energy dashboard,
  // keyed by the meter number.
  auto discovery = sub.payloads("homeassistant/sensor/p1bridge_181220000009/w_p/config");
  ASSERT_FALSE(discovery.empty());
  json config = json::parse(discovery[0]);
  EXPECT_EQ(config["device_class"], "energy");
  EXPECT_EQ(config["state_class"], "total_increasing");
  EXPECT_EQ(config["unit_of_measurement"], "Wh");
  EXPECT_EQ(config["state_topic"], "smartmeter/json");
  EXPECT_EQ(config["device"]["serial_number"], "181220000009");
  EXPECT_EQ(json::parse(sub.payloads("homeassistant/sensor/p1bridge_181220000009/phi/config")[0])["device_class"], "power_factor");
  // Availability with a retained last will; offline after a clean stop.
  auto availability = sub.payloads("smartmeter/availability");
  ASSERT_GE(availability.size(), 2u);
  EXPECT_EQ(availability.front(), "online");
  EXPECT_EQ(availability.back(), "offline");
  // Status counters.
  auto status = sub.payloads("smartmeter/status");
  ASSERT_FALSE(status.empty());
  EXPECT_GE(json::parse(status.back())["readings"].get<int>(), 4);
  // No secret in the log.
  EXPECT_EQ(p1it::read_text(dir + "/bridge.log").find(kKey), std::string::npos);
}

TEST(Gateway, FaultsNeverPublishFalseValuesAndGoodTelegramsAfterThemArrive) {
  std::string dir = p1it::temp_dir("faults");
  p1it::Broker broker(dir);
  ASSERT_TRUE(broker.start());
  p1it::Subscriber sub(broker.port());
  ASSERT_TRUE(sub.subscribe("smartmeter/json"));
  Sim sim;
  sim.start(dir, "meter", {"--count", "40", "--interval", "0.05", "--baud", "0", "--delay", "1.5", "--flip-every", "3",
                           "--drop-every", "5", "--garbage-every", "2", "--truncate-every", "7", "--wrong-key-every",
                           "11", "--repeat-counter-every", "4"});
  Process bridge;
  ASSERT_TRUE(bridge.start(bridge_args(dir, broker.port(), sim.link), dir + "/bridge.log"));
  ASSERT_EQ(sim.process.wait(30000), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(bridge.stop(), 0);

  auto sent = sim_log(sim.log);
  auto published = parse_all(sub.payloads("smartmeter/json"));
  ASSERT_EQ(sent.size(), 40u);
  // Nothing false: every published reading is a telegram p1sim sent intact.
  for (const json& p : published) {
    bool found = false;
    for (const json& s : sent) {
      std::string fault = s["fault"];
      if ((fault == "none" || fault == "garbage" || fault == "repeat-counter") && same_values(p, s["values"])) found = true;
    }
    EXPECT_TRUE(found) << "published but never sent intact: " << p.dump();
  }
  // Every intact telegram arrives, also right after a damaged one.
  for (const json& s : sent) {
    std::string fault = s["fault"];
    if (fault != "none" && fault != "garbage") continue;
    bool found = false;
    for (const json& p : published) found = found || same_values(p, s["values"]);
    EXPECT_TRUE(found) << "sent intact but not published: " << s.dump() << "\n" << p1it::read_text(dir + "/bridge.log");
  }
}

TEST(Gateway, BrokerOutageAndRestartWhileDownLoseNothingAndKeepOrder) {
  std::string dir = p1it::temp_dir("outage");
  p1it::Broker broker(dir);
  broker.persistent();  // the subscriber's session survives the broker restart
  ASSERT_TRUE(broker.start());
  std::vector<std::string> expected;
  {
    p1it::Subscriber sub(broker.port(), "p1it-outage", true);
    ASSERT_TRUE(sub.subscribe("smartmeter/json", 1));
  }
  p1it::Subscriber sub(broker.port(), "p1it-outage", true);
  ASSERT_TRUE(sub.subscribe("smartmeter/json", 1));
  Process bridge;
  // Phase 1: broker up.
  Sim one;
  one.start(dir, "one", {"--count", "5", "--interval", "0.05", "--baud", "0", "--delay", "1.5", "--frame-counter", "1"});
  ASSERT_TRUE(bridge.start(bridge_args(dir, broker.port(), dir + "/meter.tty"), dir + "/bridge.log"));
  std::system(("ln -sf " + one.link + " " + dir + "/meter.tty").c_str());
  ASSERT_EQ(one.process.wait(30000), 0);
  ASSERT_TRUE(sub.wait_until([](const auto& m) { return m.size() >= 5; }, 10000)) << p1it::read_text(dir + "/bridge.log");
  // Phase 2: broker down; readings queue up.
  EXPECT_EQ(broker.stop(), 0);
  Sim two;
  two.start(dir, "two", {"--count", "5", "--interval", "0.05", "--baud", "0", "--delay", "2.5", "--frame-counter", "6"});
  std::system(("ln -sfn " + two.link + " " + dir + "/meter.tty").c_str());
  ASSERT_EQ(two.process.wait(30000), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  // Phase 3: p1bridge restarted while the broker is down.
  EXPECT_EQ(bridge.stop(), 0);
  ASSERT_TRUE(bridge.start(bridge_args(dir, broker.port(), dir + "/meter.tty"), dir + "/bridge.log"));
  Sim three;
  three.start(dir, "three", {"--count", "5", "--interval", "0.05", "--baud", "0", "--delay", "2.5", "--frame-counter", "11"});
  std::system(("ln -sfn " + three.link + " " + dir + "/meter.tty").c_str());
  ASSERT_EQ(three.process.wait(30000), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  // Phase 4: broker back.
  ASSERT_TRUE(broker.start());
  ASSERT_TRUE(sub.wait_until([](const auto& m) { return m.size() >= 15; }, 20000))
      << sub.messages().size() << "\n" << p1it::read_text(dir + "/bridge.log");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(bridge.stop(), 0);

  std::vector<json> sent;
  for (const std::string& log : {one.log, two.log, three.log}) {
    for (const json& s : sim_log(log)) sent.push_back(s);
  }
  auto published = parse_all(sub.payloads("smartmeter/json"));
  ASSERT_EQ(published.size(), 15u) << "every reading once";
  for (size_t i = 0; i < 15; ++i) {
    EXPECT_TRUE(same_values(published[i], sent[i]["values"])) << i << ": " << published[i].dump();
  }
}

TEST(Gateway, TwoMetersInOneProcessKeepTheirDataApart) {
  std::string dir = p1it::temp_dir("two");
  p1it::Broker broker(dir);
  ASSERT_TRUE(broker.start());
  p1it::Subscriber sub(broker.port());
  ASSERT_TRUE(sub.subscribe("#"));
  Sim house, barn;
  house.start(dir, "house", {"--count", "3", "--interval", "0.1", "--baud", "0", "--delay", "1.5", "--seed", "1"});
  barn.start(dir, "barn", {"--count", "3", "--interval", "0.1", "--baud", "0", "--delay", "1.5", "--seed", "2", "--key",
                           "000102030405060708090A0B0C0D0E0F", "--family", "ksm-west"});
  std::ofstream(dir + "/p1bridge.toml")
      << "[mqtt]\nhost = \"127.0.0.1\"\nport = " << broker.port() << "\n\n[queue]\ndir = \"" << dir << "/queue\"\n\n"
      << "[[meter]]\nname = \"house\"\nsource = \"" << house.link << "\"\nkey = \"" << kKey << "\"\nbase = \"farm/house\"\n\n"
      << "[[meter]]\nname = \"barn\"\nsource = \"" << barn.link
      << "\"\nkey = \"000102030405060708090A0B0C0D0E0F\"\nbase = \"farm/barn\"\n";
  Process bridge;
  ASSERT_TRUE(bridge.start({p1it::p1bridge_bin(), "run", "--config", dir + "/p1bridge.toml"}, dir + "/bridge.log"));
  ASSERT_EQ(house.process.wait(30000), 0);
  ASSERT_EQ(barn.process.wait(30000), 0);
  ASSERT_TRUE(sub.wait_until([&](const auto&) {
    return sub.payloads("farm/house/json").size() >= 3 && sub.payloads("farm/barn/json").size() >= 3;
  }, 10000)) << p1it::read_text(dir + "/bridge.log");
  EXPECT_EQ(bridge.stop(), 0);
  auto house_sent = sim_log(house.log);
  auto barn_sent = sim_log(barn.log);
  auto house_got = parse_all(sub.payloads("farm/house/json"));
  auto barn_got = parse_all(sub.payloads("farm/barn/json"));
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_TRUE(same_values(house_got[i], house_sent[i]["values"]));
    EXPECT_TRUE(same_values(barn_got[i], barn_sent[i]["values"]));
    EXPECT_EQ(barn_got[i]["meternumber"], "1KFM0200234804");
    EXPECT_EQ(house_got[i]["meternumber"], "181220000009");
  }
  // Discovery per meter number; each meter's entities need the meter's own
  // availability and the bridge's last will.
  auto house_config = sub.payloads("homeassistant/sensor/p1bridge_181220000009/w_p/config");
  auto barn_config = sub.payloads("homeassistant/sensor/p1bridge_1kfm0200234804/w_p/config");
  ASSERT_FALSE(house_config.empty());
  ASSERT_FALSE(barn_config.empty());
  json house_availability = json::parse(house_config.back())["availability"];
  EXPECT_EQ(house_availability[0]["topic"], "farm/house/availability");
  EXPECT_EQ(house_availability[1]["topic"], "p1bridge/p1bridge/availability");
  EXPECT_EQ(json::parse(house_config.back())["availability_mode"], "all");
  EXPECT_EQ(json::parse(barn_config.back())["availability"][0]["topic"], "farm/barn/availability");
  EXPECT_EQ(sub.payloads("farm/barn/availability").back(), "online");
}

TEST(Gateway, BadConfigurationExitsTwoBeforeStarting) {
  std::string dir = p1it::temp_dir("config");
  auto run = [&](std::vector<std::string> argv) {
    Process p;
    argv.insert(argv.begin(), p1it::p1bridge_bin());
    EXPECT_TRUE(p.start(argv, dir + "/out.log"));
    return p.wait(5000);
  };
  EXPECT_EQ(run({"run", "--port", "/dev/null", "--key", "1234"}), 2);
  EXPECT_NE(p1it::read_text(dir + "/out.log").find("32 hex digits"), std::string::npos);
  EXPECT_EQ(run({"run", "--port", "/dev/null", "--key", kKey, "--mqtt-port", "70000"}), 2);
  EXPECT_EQ(run({"run", "--port", "/dev/null", "--key", kKey, "--fingerprint", "abcd"}), 2);
  std::ofstream(dir + "/broken.toml") << "[mqtt\nhost = 1\n";
  EXPECT_EQ(run({"run", "--config", dir + "/broken.toml"}), 2);
  EXPECT_NE(p1it::read_text(dir + "/out.log").find("broken.toml:1"), std::string::npos);
  EXPECT_EQ(run({"run", "--config", "/nonexistent.toml"}), 2);
  // --check prints the configuration without its secrets.
  std::remove((dir + "/out.log").c_str());
  EXPECT_EQ(run({"run", "--port", "/dev/ttyUSB0", "--key", kKey, "--mqtt-password", "hunter2", "--check"}), 0);
  std::string out = p1it::read_text(dir + "/out.log");
  EXPECT_NE(out.find("key=(set)"), std::string::npos) << out;
  EXPECT_EQ(out.find(kKey), std::string::npos);
  EXPECT_EQ(out.find("hunter2"), std::string::npos);
}

}  // namespace

namespace {

// p1sim speaks every family the decoder knows; p1bridge decodes each to the
// values p1sim logged.
TEST(Simulator, EveryFamilyRoundTripsThroughTheDecoder) {
  std::string dir = p1it::temp_dir("families");
  for (const char* family : {"evn", "ksm-west", "wiener-netze", "kaernten-netz", "netz-burgenland", "e450-gbt",
                             "steiermark", "amis"}) {
    SCOPED_TRACE(family);
    std::string base = dir + "/" + family;
    Process sim;
    ASSERT_TRUE(sim.start({p1it::p1sim_bin(), "--family", family, "--count", "3", "--interval", "0", "--baud", "0",
                           "--output", "file:" + base + ".bin", "--log", base + ".jsonl", "--auth-key",
                           "C0C1C2C3C4C5C6C7C8C9CACBCCCDCECF"},
                          base + ".out"));
    ASSERT_EQ(sim.wait(10000), 0);
    Process decode;
    ASSERT_TRUE(decode.start({p1it::p1bridge_bin(), "decode", "--binary", "--key", kKey, "--auth-key",
                              "C0C1C2C3C4C5C6C7C8C9CACBCCCDCECF", base + ".bin"},
                             base + ".json"));
    ASSERT_EQ(decode.wait(10000), 0) << p1it::read_text(base + ".json");
    std::vector<json> got;
    std::ifstream in(base + ".json");
    std::string line;
    while (std::getline(in, line)) got.push_back(json::parse(line));
    auto sent = sim_log(base + ".jsonl");
    ASSERT_EQ(got.size(), 3u);
    for (size_t i = 0; i < 3; ++i) EXPECT_TRUE(same_values(got[i], sent[i]["values"])) << got[i].dump();
  }
}

}  // namespace

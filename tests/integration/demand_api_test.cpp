// Quarter-hour demand and the JSON API end to end: p1sim on a pseudo-terminal
// with its meter clock at accelerated time (30 s of meter time per telegram),
// p1bridge, a real mosquitto, a subscriber on <base>/demand, and HTTP
// requests to GET /api/v1/values.
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <fstream>
#include <map>
#include <thread>

#include "harness.h"

namespace {

using nlohmann::json;
using p1it::Process;

const char* kKey = "36C66639E48A8CA4D6BC8B282A793BBB";

// p1sim unpaced with fixed values (the registers follow --steady-import),
// after the bridge has opened the terminal (p1sim ends when nobody has the
// terminal open when it writes: 3 s leave room on a loaded machine).
struct Sim : p1it::PtySim {
  void start(const std::string& dir, const std::string& name, std::vector<std::string> extra) {
    extra.insert(extra.begin(), {"--baud", "0", "--values", "fixed", "--delay", "3"});
    ASSERT_TRUE(p1it::PtySim::start(dir, name, extra));
  }
};

std::vector<std::string> bridge_args(const std::string& dir, int port, const std::string& source) {
  return {p1it::p1bridge_bin(), "run",      "--port",      source, "--key", kKey, "--mqtt-port", std::to_string(port),
          "--queue-dir",        dir + "/queue", "--no-web"};
}

// Every quarter hour that ended, by its start, as <base>/demand announced it.
struct Ended {
  bool complete;
  json import_w;
};
std::map<std::string, Ended> ended_quarter_hours(const std::vector<std::string>& payloads) {
  std::map<std::string, Ended> out;
  for (const std::string& p : payloads) {
    json j = json::parse(p);
    if (j["last_start"].is_string()) out[j["last_start"]] = Ended{j["last_complete"], j["last_import_w"]};
  }
  return out;
}

// Runs one p1sim session through one p1bridge run until every telegram is in.
void run_session(const std::string& dir, p1it::Broker& broker, p1it::Subscriber& sub, const std::string& name,
                 std::vector<std::string> sim_args, size_t readings_before) {
  Sim sim;
  sim.start(dir, name, sim_args);
  Process bridge;
  ASSERT_TRUE(bridge.start(bridge_args(dir, broker.port(), sim.link), dir + "/" + name + "-bridge.log"));
  ASSERT_EQ(sim.process.wait(60000), 0);
  long count = std::stol(sim_args[std::find(sim_args.begin(), sim_args.end(), "--count") - sim_args.begin() + 1]);
  ASSERT_TRUE(sub.wait_until([&](const auto&) { return sub.payloads("smartmeter/json").size() >= readings_before + count; },
                             30000))
      << p1it::read_text(dir + "/" + name + "-bridge.log");
  ASSERT_EQ(bridge.stop(), 0);
}

TEST(Demand, AutumnChangeGapRestartAndMonthChange) {
  std::string dir = p1it::temp_dir("demand");
  p1it::Broker broker(dir);
  ASSERT_TRUE(broker.start());
  p1it::Subscriber sub(broker.port());
  ASSERT_TRUE(sub.subscribe("#"));
  // 25 October 2026, 01:50 CEST: 200 telegrams 30 s apart (to 02:31:30 CET,
  // through the repeated hour) at a steady 7.2 kW; after telegram 180
  // (02:19:30 CET) the meter is silent for 120 s.
  run_session(dir, broker, sub, "autumn",
              {"--count", "200", "--interval", "0.02", "--clock-start", "2026-10-25T01:50:00", "--clock-step", "30",
               "--steady-import", "7200", "--gap-at", "180", "--gap-seconds", "120"},
              0);
  auto ended = ended_quarter_hours(sub.payloads("smartmeter/demand"));
  const char* complete_starts[] = {"2026-10-25T02:00:00+02:00", "2026-10-25T02:15:00+02:00",
                                   "2026-10-25T02:30:00+02:00", "2026-10-25T02:45:00+02:00",
                                   "2026-10-25T02:00:00+01:00"};
  for (const char* start : complete_starts) {
    ASSERT_TRUE(ended.count(start)) << start;
    EXPECT_TRUE(ended[start].complete) << start;
    EXPECT_EQ(ended[start].import_w, 7200) << start;
  }
  ASSERT_TRUE(ended.count("2026-10-25T01:45:00+02:00"));
  EXPECT_FALSE(ended["2026-10-25T01:45:00+02:00"].complete) << "p1bridge started inside it";
  ASSERT_TRUE(ended.count("2026-10-25T02:15:00+01:00"));
  EXPECT_FALSE(ended["2026-10-25T02:15:00+01:00"].complete) << "the gap was inside it";
  EXPECT_TRUE(ended["2026-10-25T02:15:00+01:00"].import_w.is_null()) << "never a guessed value";
  json last = json::parse(sub.payloads("smartmeter/demand").back());
  EXPECT_EQ(last["day_peak_import_w"], 7200);
  EXPECT_EQ(last["day_peak_import_start"], "2026-10-25T02:00:00+02:00");
  EXPECT_EQ(last["month_peak_import_w"], 7200);
  EXPECT_EQ(last["current_start"], "2026-10-25T02:30:00+01:00");
  EXPECT_EQ(last["current_import_w"], 7200);
  {
    p1it::Subscriber late(broker.port());
    ASSERT_TRUE(late.subscribe("smartmeter/demand"));
    ASSERT_TRUE(late.wait_until([](const auto& m) { return !m.empty(); }, 10000));
    EXPECT_TRUE(late.messages()[0].retained) << "the figures are retained for whoever subscribes later";
    EXPECT_EQ(json::parse(late.messages()[0].payload)["month_peak_import_w"], 7200);
  }
  // Home Assistant: power and timestamp sensors for the figures.
  auto peak = sub.payloads("homeassistant/sensor/p1bridge_181220000009/demand_month_peak_import_w/config");
  ASSERT_FALSE(peak.empty());
  json config = json::parse(peak[0]);
  EXPECT_EQ(config["device_class"], "power");
  EXPECT_EQ(config["state_class"], "measurement");
  EXPECT_EQ(config["unit_of_measurement"], "W");
  EXPECT_EQ(config["state_topic"], "smartmeter/demand");
  auto when = sub.payloads("homeassistant/sensor/p1bridge_181220000009/demand_month_peak_import_start/config");
  ASSERT_FALSE(when.empty());
  EXPECT_EQ(json::parse(when[0])["device_class"], "timestamp");
  // The state survived the stop.
  EXPECT_EQ(access((dir + "/queue/demand-meter.state").c_str(), F_OK), 0);

  // A second p1bridge run (the state from the file) on 31 October from
  // 23:40 CET at 3.6 kW, 80 telegrams, into November (00:19:30).
  size_t before = sub.payloads("smartmeter/json").size();
  run_session(dir, broker, sub, "november",
              {"--count", "80", "--interval", "0.02", "--clock-start", "2026-10-31T23:40:00", "--clock-step", "30",
               "--steady-import", "3600"},
              before);
  ended = ended_quarter_hours(sub.payloads("smartmeter/demand"));
  ASSERT_TRUE(ended.count("2026-10-31T23:30:00+01:00"));
  EXPECT_FALSE(ended["2026-10-31T23:30:00+01:00"].complete) << "six days without readings before it";
  ASSERT_TRUE(ended.count("2026-10-31T23:45:00+01:00"));
  EXPECT_TRUE(ended["2026-10-31T23:45:00+01:00"].complete);
  EXPECT_EQ(ended["2026-10-31T23:45:00+01:00"].import_w, 3600);
  ASSERT_TRUE(ended.count("2026-11-01T00:00:00+01:00"));
  EXPECT_EQ(ended["2026-11-01T00:00:00+01:00"].import_w, 3600);
  last = json::parse(sub.payloads("smartmeter/demand").back());
  EXPECT_EQ(last["month_peak_import_w"], 3600);
  EXPECT_EQ(last["month_peak_import_start"], "2026-11-01T00:00:00+01:00");
  EXPECT_EQ(last["day_peak_import_start"], "2026-11-01T00:00:00+01:00");
  // October's peak came from the first run, through the state file.
  EXPECT_EQ(last["previous_month_peak_import_w"], 7200);
  EXPECT_EQ(last["previous_month_peak_import_start"], "2026-10-25T02:00:00+02:00");
}

TEST(Demand, SpringChangeHas92QuarterHoursInTheDay) {
  std::string dir = p1it::temp_dir("demand-spring");
  p1it::Broker broker(dir);
  ASSERT_TRUE(broker.start());
  p1it::Subscriber sub(broker.port());
  ASSERT_TRUE(sub.subscribe("smartmeter/demand"));
  ASSERT_TRUE(sub.subscribe("smartmeter/json"));
  // A torn state file from an earlier run: logged, replaced by a fresh
  // state, never read as figures.
  ASSERT_EQ(system(("mkdir -p " + dir + "/queue").c_str()), 0);
  std::ofstream(dir + "/queue/demand-meter.state") << "P1QH\x01 torn";
  // 29 March 2026 from 01:40 CET, 60 s per telegram, to 03:20 CEST.
  run_session(dir, broker, sub, "spring",
              {"--count", "41", "--interval", "0.02", "--clock-start", "2026-03-29T01:40:00", "--clock-step", "60",
               "--steady-import", "1800"},
              0);
  auto ended = ended_quarter_hours(sub.payloads("smartmeter/demand"));
  // 01:45 CET is followed by 03:00 CEST: the hour from 02:00 does not exist.
  for (const char* start : {"2026-03-29T01:45:00+01:00", "2026-03-29T03:00:00+02:00"}) {
    ASSERT_TRUE(ended.count(start)) << start;
    EXPECT_TRUE(ended[start].complete) << start;
    EXPECT_EQ(ended[start].import_w, 1800) << start;
  }
  for (const auto& e : ended) EXPECT_EQ(e.first.find("T02:"), std::string::npos) << e.first;
  std::string log = p1it::read_text(dir + "/spring-bridge.log");
  EXPECT_NE(log.find("demand state " + dir + "/queue/demand-meter.state: too short (torn write?); starting afresh"),
            std::string::npos)
      << log;
  json first = json::parse(sub.payloads("smartmeter/demand").front());
  EXPECT_TRUE(first["previous_month_peak_import_w"].is_null()) << first.dump();
}

TEST(Demand, ClockGoingBackwardsMarksTheQuarterHourIncomplete) {
  std::string dir = p1it::temp_dir("demand-jump");
  p1it::Broker broker(dir);
  ASSERT_TRUE(broker.start());
  p1it::Subscriber sub(broker.port());
  ASSERT_TRUE(sub.subscribe("smartmeter/#"));
  // 10:00 to 10:40 at 30 s; after telegram 30 (10:14:30) the clock goes back 5 min.
  run_session(dir, broker, sub, "jump",
              {"--count", "90", "--interval", "0.02", "--clock-start", "2026-01-15T09:59:30", "--clock-step", "30",
               "--steady-import", "2400", "--clock-jump-at", "30", "--clock-jump", "-300"},
              0);
  auto ended = ended_quarter_hours(sub.payloads("smartmeter/demand"));
  ASSERT_TRUE(ended.count("2026-01-15T10:00:00+01:00"));
  EXPECT_FALSE(ended["2026-01-15T10:00:00+01:00"].complete);
  ASSERT_TRUE(ended.count("2026-01-15T10:15:00+01:00"));
  EXPECT_TRUE(ended["2026-01-15T10:15:00+01:00"].complete);
  EXPECT_EQ(ended["2026-01-15T10:15:00+01:00"].import_w, 2400);
}

// --- GET /api/v1/values ---

struct ApiBridge {
  explicit ApiBridge(const std::string& d) : dir(d) {}
  std::string dir, config;
  int web_port = p1it::free_port();
  Process process;
  void write_config(int mqtt_port, const std::string& source, const std::string& web_extra) {
    config = dir + "/p1bridge.toml";
    std::ofstream(config) << "[mqtt]\nport = " << mqtt_port
                          << "\npassword = \"mqtt-password-never-shown\"\n"
                             "[web]\nbind = \"127.0.0.1\"\nport = "
                          << web_port << "\nkey = \"web-passkey-never-shown\"\n" << web_extra
                          << "[queue]\ndir = \"" << dir << "/queue\"\n"
                          << "[[meter]]\nsource = \"" << source << "\"\nkey = \"" << kKey << "\"\n";
  }
};

const char* kToken = "read-only-api-token-4242";

TEST(Api, ValuesWithTokenMatchWhatTheMeterSentAndHoldNoSecret) {
  std::string dir = p1it::temp_dir("api");
  p1it::Broker broker(dir);
  ASSERT_TRUE(broker.start());
  Sim sim;
  sim.start(dir, "meter", {"--count", "40", "--interval", "0.05", "--clock-start", "2026-05-04T11:58:00",
                           "--clock-step", "30", "--steady-import", "1200"});
  ApiBridge bridge{dir};
  bridge.write_config(broker.port(), sim.link, std::string("api = true\napi_token = \"") + kToken + "\"\n");
  ASSERT_TRUE(bridge.process.start({p1it::p1bridge_bin(), "run", "--config", bridge.config}, dir + "/bridge.log"));
  ASSERT_TRUE(p1it::wait_for_port(bridge.web_port, 10000)) << p1it::read_text(dir + "/bridge.log");
  ASSERT_EQ(sim.process.wait(60000), 0);

  httplib::Client client("127.0.0.1", bridge.web_port);
  auto none = client.Get("/api/v1/values");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 401);
  EXPECT_EQ(none->get_header_value("WWW-Authenticate"), "Bearer realm=\"p1bridge\"");
  auto wrong = client.Get("/api/v1/values", {{"Authorization", std::string("Bearer ") + kToken + "x"}});
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  auto passkey = client.Get("/api/v1/values", {{"Authorization", "Bearer web-passkey-never-shown"}});
  ASSERT_TRUE(passkey);
  EXPECT_EQ(passkey->status, 401) << "the web passkey is not the token";

  // The last telegram p1sim logged is what the API shows (the web state is
  // refreshed with every reading).
  std::ifstream in(sim.log);
  std::string line, last_line;
  while (std::getline(in, line)) {
    if (!line.empty()) last_line = line;
  }
  json sent = json::parse(last_line)["values"];
  json body;
  httplib::Headers auth = {{"Authorization", std::string("Bearer ") + kToken}};
  for (int i = 0; i < 100; ++i) {
    auto reply = client.Get("/api/v1/values", auth);
    ASSERT_TRUE(reply);
    ASSERT_EQ(reply->status, 200);
    EXPECT_EQ(reply->get_header_value("Content-Type"), "application/json");
    body = json::parse(reply->body);
    const json& m = body["meters"][0];
    if (m["reading"].is_object() && m["reading"]["w_p"] == sent["w_p"] && m["counters"].is_object() &&
        m["counters"]["readings"] == 40) {
      std::string text = reply->body;
      for (const char* secret : {kKey, "36c66639e48a8ca4", "mqtt-password-never-shown", "web-passkey-never-shown",
                                 kToken}) {
        EXPECT_EQ(text.find(secret), std::string::npos) << secret << " in " << text;
      }
      EXPECT_EQ(text.find(sim.link), std::string::npos) << "no setting (the source) in the answer";
      EXPECT_EQ(text.find("\"source\""), std::string::npos);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const json& m = body["meters"][0];
  EXPECT_EQ(m["name"], "meter1");  // the first [[meter]] without a name
  ASSERT_TRUE(m["reading"].is_object()) << body.dump();
  for (auto it = sent.begin(); it != sent.end(); ++it) {
    EXPECT_EQ(m["reading"][it.key()].get<double>(), it.value().get<double>()) << it.key();
  }
  EXPECT_EQ(m["counters"]["readings"], 40);
  EXPECT_EQ(m["counters"]["decrypt_errors"], 0);
  // 40 telegrams from 11:58:00, 30 s apart: the quarter hour from 12:00 ended
  // at 12:15 complete at 1.2 kW; 12:15 is running.
  EXPECT_EQ(m["demand"]["last_start"], "2026-05-04T12:00:00+02:00");
  EXPECT_EQ(m["demand"]["last_complete"], true);
  EXPECT_EQ(m["demand"]["last_import_w"], 1200);
  EXPECT_EQ(m["demand"]["current_import_w"], 1200);
  EXPECT_EQ(m["demand"]["month_peak_import_w"], 1200);

  // The history the page charts: the quarter hour that ended is the day's
  // peak, and the hour's energy is what the registers moved.
  auto history = client.Get("/api/v1/history", auth);
  ASSERT_TRUE(history);
  ASSERT_EQ(history->status, 200);
  json series = json::parse(history->body)["meters"][0];
  ASSERT_EQ(series["peaks"].size(), 1u) << history->body;
  const json& peak = series["peaks"][0];
  EXPECT_EQ(peak[0], 1777852800) << "2026-05-04 00:00, the meter's wall clock";
  EXPECT_EQ(peak[1], 1200);
  EXPECT_EQ(peak[2], 1777896000) << "the quarter hour from 12:00";
  EXPECT_EQ(peak[3], 1);
  ASSERT_EQ(series["hours"].size(), 2u) << history->body;  // 11:00 and 12:00
  EXPECT_EQ(series["hours"][0][0], 1777892400);
  // 11:58:00 .. 12:00:00 at 1.2 kW, then 12:00:00 .. 12:17:30.
  EXPECT_EQ(series["hours"][0][1], 40);
  EXPECT_EQ(series["hours"][1][1], 350);
  EXPECT_EQ(bridge.process.stop(), 0);
  std::string log = p1it::read_text(dir + "/bridge.log");
  EXPECT_NE(log.find("wrong API token"), std::string::npos);
  EXPECT_EQ(log.find(kToken), std::string::npos) << "the token never in the log";
}

TEST(Api, OffUnlessEnabledAndOpenWithoutAToken) {
  std::string dir = p1it::temp_dir("api-off");
  p1it::Broker broker(dir);
  ASSERT_TRUE(broker.start());
  {
    ApiBridge bridge{dir};
    bridge.write_config(broker.port(), dir + "/no-such-tty", "");
    ASSERT_TRUE(bridge.process.start({p1it::p1bridge_bin(), "run", "--config", bridge.config}, dir + "/off.log"));
    ASSERT_TRUE(p1it::wait_for_port(bridge.web_port, 10000));
    httplib::Client client("127.0.0.1", bridge.web_port);
    auto reply = client.Get("/api/v1/values");
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 404) << "the API is off unless enabled";
    EXPECT_EQ(bridge.process.stop(), 0);
  }
  {
    ApiBridge bridge{dir};
    bridge.write_config(broker.port(), dir + "/no-such-tty", "api = true\n");
    ASSERT_TRUE(bridge.process.start({p1it::p1bridge_bin(), "run", "--config", bridge.config}, dir + "/open.log"));
    ASSERT_TRUE(p1it::wait_for_port(bridge.web_port, 10000));
    httplib::Client client("127.0.0.1", bridge.web_port);
    auto reply = client.Get("/api/v1/values");
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 200);
    json body = json::parse(reply->body);
    EXPECT_TRUE(body["meters"][0]["reading"].is_null()) << "no reading yet";
    EXPECT_EQ(bridge.process.stop(), 0);
  }
}

TEST(Api, TokenEqualToThePasskeyIsAConfigErrorWithoutEchoingIt) {
  std::string dir = p1it::temp_dir("api-config");
  ApiBridge bridge{dir};
  bridge.write_config(1883, "/dev/ttyUSB0", "api = true\napi_token = \"web-passkey-never-shown\"\n");
  Process check;
  ASSERT_TRUE(check.start({p1it::p1bridge_bin(), "run", "--config", bridge.config, "--check"}, dir + "/check.log"));
  EXPECT_EQ(check.wait(20000), 2);
  std::string out = p1it::read_text(dir + "/check.log");
  EXPECT_NE(out.find("web.api_token: must not be the web key"), std::string::npos) << out;
  EXPECT_EQ(out.find("web-passkey-never-shown"), std::string::npos) << out;

  bridge.write_config(1883, "/dev/ttyUSB0", "api = true\napi_token = \"short secret\"\n");
  Process bad;
  ASSERT_TRUE(bad.start({p1it::p1bridge_bin(), "run", "--config", bridge.config, "--check"}, dir + "/bad.log"));
  EXPECT_EQ(bad.wait(20000), 2);
  out = p1it::read_text(dir + "/bad.log");
  EXPECT_NE(out.find("web.api_token: expected 16 to 128 printable characters without spaces, got a value of 12 "
                     "characters"),
            std::string::npos)
      << out;
  EXPECT_EQ(out.find("short secret"), std::string::npos) << out;

  bridge.write_config(1883, "/dev/ttyUSB0", std::string("api = true\napi_token = \"") + kToken + "\"\n");
  Process good;
  ASSERT_TRUE(good.start({p1it::p1bridge_bin(), "run", "--config", bridge.config, "--check"}, dir + "/good.log"));
  EXPECT_EQ(good.wait(20000), 0);
  out = p1it::read_text(dir + "/good.log");
  EXPECT_NE(out.find("api=on api_token=(set)"), std::string::npos) << out;
  EXPECT_EQ(out.find(kToken), std::string::npos) << out;
}

}  // namespace

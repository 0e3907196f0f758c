// p1bridge as the inverter's meter, read by real clients: mbpoll and a
// pymodbus script (tests/integration/inverter_clients.py) walk the SunSpec
// map, Python's urllib and a UDP socket ask the Shelly emulation; the values
// are compared with what p1sim encoded, and when p1sim is killed they turn
// unavailable.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "harness.h"

namespace {

using nlohmann::json;
using p1it::Process;

const char* kKey = "36C66639E48A8CA4D6BC8B282A793BBB";
const std::string kClients = std::string(P1_SOURCE_DIR) + "/tests/integration/inverter_clients.py";

std::string run(const std::string& command) { return p1it::command_output(command); }

json client(const std::string& args) {
  std::string out = run("/usr/bin/python3 " + kClients + " " + args);
  json j = json::parse(out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << out;
  return j.is_discarded() ? json::object() : j;
}

std::string quoted(const std::string& s) { return "'" + s + "'"; }

using p1it::mbpoll;

struct Bridge {
  std::string dir;
  std::unique_ptr<p1it::Broker> broker;
  Process sim, bridge;
  json sent;  // the values of p1sim's first telegram (all equal: --values fixed)

  void start(const std::string& name, const std::vector<std::string>& serve) {
    dir = p1it::temp_dir(name);
    broker = std::make_unique<p1it::Broker>(dir);
    ASSERT_TRUE(broker->start());
    std::string link = dir + "/meter.tty";
    ASSERT_TRUE(sim.start({p1it::p1sim_bin(), "--output", "pty", "--link", link, "--log", dir + "/sim.jsonl",
                           "--values", "fixed", "--interval", "0.2", "--baud", "0", "--count", "100000"},
                          dir + "/sim.out"));
    for (int i = 0; i < 100 && access(link.c_str(), F_OK) != 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::vector<std::string> argv = {p1it::p1bridge_bin(), "run", "--port", link, "--key", kKey, "--mqtt-port",
                                     std::to_string(broker->port()), "--queue-dir", dir + "/queue", "--no-web",
                                     "--stale-after", "3", "--serve-bind", "127.0.0.1"};
    argv.insert(argv.end(), serve.begin(), serve.end());
    ASSERT_TRUE(bridge.start(argv, dir + "/bridge.log"));
    for (int i = 0; i < 200 && p1it::read_text(dir + "/sim.jsonl").empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::string first = p1it::read_text(dir + "/sim.jsonl");
    ASSERT_FALSE(first.empty());
    sent = json::parse(first.substr(0, first.find('\n')))["values"];
  }
  std::string log() { return p1it::read_text(dir + "/bridge.log"); }
};

bool near(const json& got, double want, double tolerance = 1e-3) {
  return got.is_number() && std::fabs(got.get<double>() - want) <= tolerance * std::max(1.0, std::fabs(want));
}

TEST(InverterMeter, SunSpecReadByMbpollAndPymodbusMatchesP1simThenTurnsUnavailable) {
  Bridge s;
  int port = p1it::free_port();
  ASSERT_NO_FATAL_FAILURE(s.start("sunspec", {"--sunspec", "--sunspec-port", std::to_string(port)}));
  ASSERT_TRUE(p1it::wait_for_port(port, 10000)) << s.log();
  json map;
  for (int i = 0; i < 100; ++i) {  // until the first reading arrived
    map = client("sunspec " + std::to_string(port));
    if (map.contains("points") && map["points"]["W"].is_number()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  // The client reads the common model and the meter model in separate
  // requests: the first reading may have arrived between them (the serial
  // number then still the meter's name). One more read sees both after it.
  map = client("sunspec " + std::to_string(port));
  const json& v = s.sent;
  ASSERT_TRUE(map.contains("points")) << map.dump() << s.log();
  EXPECT_EQ(map["marker"], "SunS");
  EXPECT_EQ(map["models"], json::parse("[[1,65],[213,124],[65535,0]]"));
  EXPECT_EQ(map["mn"], "Fronius");
  EXPECT_EQ(map["md"], "Smart Meter 63A");
  EXPECT_EQ(map["sn"], "181220000009");
  EXPECT_EQ(map["da"], 1);
  const json& p = map["points"];
  EXPECT_TRUE(near(p["W"], v["p_p"].get<double>() - v["p_n"].get<double>())) << p.dump() << v.dump();
  EXPECT_TRUE(near(p["TotWhImp"], v["w_p"].get<double>())) << p.dump();
  EXPECT_TRUE(near(p["TotWhExp"], v["w_n"].get<double>())) << p.dump();
  EXPECT_TRUE(near(p["PhVphA"], v["u1"].get<double>()));
  EXPECT_TRUE(near(p["PhVphC"], v["u3"].get<double>()));
  EXPECT_TRUE(near(p["AphB"], v["i2"].get<double>()));
  EXPECT_TRUE(near(p["A"], v["i1"].get<double>() + v["i2"].get<double>() + v["i3"].get<double>()));
  EXPECT_TRUE(near(p["PF"], v["phi"].get<double>()));
  EXPECT_TRUE(p["Hz"].is_null());    // EVN meters send no frequency
  EXPECT_TRUE(p["WphA"].is_null());  // nor power per phase

  // mbpoll: the marker, the model ids and lengths, and the power as a float.
  EXPECT_EQ(mbpoll(port, 40001, 4, "4:hex"), (std::vector<std::string>{"0x5375", "0x6E53", "0x0001", "0x0041"}));
  EXPECT_EQ(mbpoll(port, 40070, 2, "4"), (std::vector<std::string>{"213", "124"}));
  EXPECT_EQ(mbpoll(port, 40196, 2, "4:hex"), (std::vector<std::string>{"0xFFFF", "0x0000"}));
  std::vector<std::string> energy = mbpoll(port, 40138, 1, "4:float");
  EXPECT_NEAR(std::stod(energy[0]), v["w_p"].get<double>(), 1.0) << energy[0];
  // Another unit id is not this meter; writes are refused.
  EXPECT_NE(mbpoll(port, 40001, 1, "4:hex", 2)[0].find("failed"), std::string::npos);
  EXPECT_NE(run("mbpoll -m tcp -p " + std::to_string(port) + " -a 1 -r 40098 -1 -o 2 127.0.0.1 7").find("ailed"),
            std::string::npos);

  // The meter goes silent: after stale_after the values are NaN, the models stay.
  s.sim.kill_now();
  std::string power;
  for (int i = 0; i < 100; ++i) {
    power = mbpoll(port, 40098, 1, "4:float")[0];
    if (power == "nan" || power == "-nan") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(power == "nan" || power == "-nan") << power;
  json stale = client("sunspec " + std::to_string(port));
  EXPECT_EQ(stale["models"], json::parse("[[1,65],[213,124],[65535,0]]"));
  for (const char* name : {"W", "TotWhImp", "TotWhExp", "PhVphA", "A", "PF"}) {
    EXPECT_TRUE(stale["points"][name].is_null()) << name << " " << stale.dump();
  }
  EXPECT_TRUE(s.bridge.running());
  EXPECT_EQ(s.bridge.stop(), 0);
}

TEST(InverterMeter, ShellyOverHttpAndUdpMatchesP1simThenAnswersUnavailable) {
  Bridge s;
  int port = p1it::free_port(), udp = p1it::free_port();
  ASSERT_NO_FATAL_FAILURE(s.start("shelly", {"--shelly", "--shelly-port", std::to_string(port), "--shelly-udp-port",
                                             std::to_string(udp)}));
  ASSERT_TRUE(p1it::wait_for_port(port, 10000)) << s.log();
  std::string http = "shelly-http " + std::to_string(port) + " ";
  json em;
  for (int i = 0; i < 100; ++i) {
    em = client(http + "'/rpc/EM.GetStatus?id=0'");
    if (em["status"] == 200) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const json& v = s.sent;
  ASSERT_EQ(em["status"], 200) << em.dump() << s.log();
  const json& b = em["body"];
  EXPECT_TRUE(near(b["total_act_power"], v["p_p"].get<double>() - v["p_n"].get<double>(), 1e-6)) << b.dump();
  EXPECT_TRUE(near(b["a_voltage"], v["u1"].get<double>(), 1e-6));
  EXPECT_TRUE(near(b["c_current"], v["i3"].get<double>(), 1e-6));
  EXPECT_TRUE(near(b["total_current"], v["i1"].get<double>() + v["i2"].get<double>() + v["i3"].get<double>()));
  json data = client(http + "'/rpc/EMData.GetStatus?id=0'");
  EXPECT_TRUE(near(data["body"]["total_act"], v["w_p"].get<double>(), 1e-9)) << data.dump();
  json info = client(http + "/shelly");
  EXPECT_EQ(info["body"]["app"], "Pro3EM");
  std::string device = info["body"]["id"];
  EXPECT_EQ(client(http + "/rpc/Shelly.GetDeviceInfo")["body"]["id"], device);
  EXPECT_EQ(client(http + "/rpc/Switch.Set")["status"], 404);
  EXPECT_EQ(client(http + "'/rpc/EM.GetStatus?id=3'")["body"]["code"], -105);

  std::string request = quoted(R"({"id":42,"src":"battery","method":"EM.GetStatus","params":{"id":0}})");
  json reply = client("shelly-udp " + std::to_string(udp) + " " + request)["reply"];
  EXPECT_EQ(reply["id"], 42);
  EXPECT_EQ(reply["dst"], "battery");
  EXPECT_EQ(reply["src"], device);
  EXPECT_TRUE(near(reply["result"]["total_act_power"], v["p_p"].get<double>() - v["p_n"].get<double>(), 1e-6));

  json posted = client("shelly-post " + std::to_string(port) + " " + request);
  EXPECT_EQ(posted["status"], 200) << posted.dump();
  EXPECT_EQ(posted["body"]["id"], 42);
  EXPECT_EQ(posted["body"]["result"]["id"], 0);
  EXPECT_EQ(client("shelly-post " + std::to_string(port) + " '{\"method\":1}'")["status"], 400);

  s.sim.kill_now();
  json stale;
  for (int i = 0; i < 100; ++i) {
    stale = client(http + "'/rpc/EM.GetStatus?id=0'");
    if (stale["status"] != 200) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(stale["status"], 503) << stale.dump();
  EXPECT_EQ(stale["body"]["code"], -114);
  EXPECT_EQ(client(http + "'/rpc/EMData.GetStatus?id=0'")["status"], 503);
  json stale_udp = client("shelly-udp " + std::to_string(udp) + " " + request)["reply"];
  EXPECT_EQ(stale_udp["error"]["code"], -114) << stale_udp.dump();
  EXPECT_FALSE(stale_udp.contains("result"));
  EXPECT_EQ(client(http + "/shelly")["status"], 200);  // who it is does not go stale
  EXPECT_EQ(s.bridge.stop(), 0);
}

TEST(InverterMeter, ATakenPortStopsTheStartWithAMessage) {
  std::string dir = p1it::temp_dir("taken");
  int port = p1it::free_port();
  Process holder;
  ASSERT_TRUE(holder.start({"/usr/bin/python3", "-c",
                            "import socket,time;s=socket.socket();s.bind(('127.0.0.1'," + std::to_string(port) +
                                "));s.listen();time.sleep(60)"},
                           dir + "/holder.log"));
  ASSERT_TRUE(p1it::wait_for_port(port, 10000));
  Process bridge;
  ASSERT_TRUE(bridge.start({p1it::p1bridge_bin(), "run", "--port", dir + "/none", "--queue-dir", dir + "/queue",
                            "--no-web", "--sunspec", "--sunspec-port", std::to_string(port), "--serve-bind", "127.0.0.1"},
                           dir + "/bridge.log"));
  EXPECT_EQ(bridge.wait(30000), 2);
  EXPECT_NE(p1it::read_text(dir + "/bridge.log").find("sunspec: 127.0.0.1:" + std::to_string(port) + ": cannot listen"),
            std::string::npos)
      << p1it::read_text(dir + "/bridge.log");
  holder.kill_now();
}

}  // namespace

// From install to Home Assistant: discovery keyed by the meter number (two
// installations on one broker never overwrite each other), availability that
// follows the meter, settings from file < environment < flags, the queue of a
// normal user, permission errors with their fix, `--version`, and p1sim's TCP
// output serving one client after another.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <thread>

#include "harness.h"

namespace {

using nlohmann::json;
using p1it::Process;

const char* kKey = "36C66639E48A8CA4D6BC8B282A793BBB";

// Runs p1bridge to its end (with a timeout) and returns its exit status;
// `out` gets what it printed.
int run_bridge(const std::string& dir, std::vector<std::string> argv, std::string& out,
               std::vector<std::string> env = {}) {
  std::vector<std::string> full = {"/usr/bin/env"};
  full.insert(full.end(), env.begin(), env.end());
  full.push_back(p1it::p1bridge_bin());
  full.insert(full.end(), argv.begin(), argv.end());
  std::string log = dir + "/run.log";
  std::remove(log.c_str());
  Process p;
  EXPECT_TRUE(p.start(full, log));
  int rc = p.wait(10000);
  out = p1it::read_text(log);
  return rc;
}

// Config topics and payloads of one installation, by its state topics.
std::map<std::string, json> configs_for(const std::vector<p1it::Received>& messages, const std::string& base) {
  std::map<std::string, json> out;
  for (const p1it::Received& r : messages) {
    if (r.topic.rfind("homeassistant/", 0) != 0 || r.payload.empty()) continue;
    json c = json::parse(r.payload);
    if (c.value("state_topic", "").rfind(base + "/", 0) == 0) out[r.topic] = c;
  }
  return out;
}

TEST(Onboarding, TwoInstallationsOnOneBrokerKeepTheirEntitiesApart) {
  std::string dir = p1it::temp_dir("two-installs");
  p1it::Broker broker(dir);
  ASSERT_TRUE(broker.start());
  p1it::Subscriber sub(broker.port());
  ASSERT_TRUE(sub.subscribe("homeassistant/#"));
  // Two houses, each with p1bridge on defaults (meter name "meter"): only the
  // meter numbers differ (and the client id, as a broker requires).
  // Each meter behind a TCP serial bridge (p1sim as ser2net).
  int port_one = p1it::free_port(), port_two = p1it::free_port();
  while (port_two == port_one) port_two = p1it::free_port();
  Process one, two;
  ASSERT_TRUE(one.start({p1it::p1sim_bin(), "--output", "tcp:" + std::to_string(port_one), "--interval", "0.2", "--baud",
                         "0", "--meter-number", "100000000001"},
                        dir + "/sim-one.out"));
  ASSERT_TRUE(two.start({p1it::p1sim_bin(), "--output", "tcp:" + std::to_string(port_two), "--interval", "0.2", "--baud",
                         "0", "--meter-number", "200000000002", "--seed", "2"},
                        dir + "/sim-two.out"));
  ASSERT_TRUE(p1it::wait_for_port(port_one, 5000) && p1it::wait_for_port(port_two, 5000));
  auto bridge = [&](const std::string& name, int meter_port) {
    return std::vector<std::string>{p1it::p1bridge_bin(), "run", "--port", "tcp://127.0.0.1:" + std::to_string(meter_port),
                                    "--key", kKey, "--mqtt-port", std::to_string(broker.port()), "--queue-dir",
                                    dir + "/queue-" + name, "--client-id", "p1bridge-" + name, "--base", "house-" + name,
                                    "--no-web"};
  };
  Process a, b;
  ASSERT_TRUE(a.start(bridge("one", port_one), dir + "/one.log"));
  ASSERT_TRUE(b.start(bridge("two", port_two), dir + "/two.log"));
  auto announced = [&](const std::vector<p1it::Received>& m) {
    return configs_for(m, "house-one").size() >= 11 + 12 && configs_for(m, "house-two").size() >= 11 + 12;
  };
  ASSERT_TRUE(sub.wait_until(announced, 20000))
      << p1it::read_text(dir + "/one.log") << p1it::read_text(dir + "/two.log");

  std::map<std::string, json> first = configs_for(sub.messages(), "house-one");
  std::map<std::string, json> second = configs_for(sub.messages(), "house-two");
  std::set<std::string> ids;
  for (auto* configs : {&first, &second}) {
    std::string number = configs == &first ? "100000000001" : "200000000002";
    std::string node = "p1bridge_" + number;
    for (auto [topic, c] : *configs) {  // a copy: [] on a missing key gives null, not a crash
      SCOPED_TRACE(topic);
      // Keyed by the meter number: topic, unique_id, entity id and device.
      EXPECT_EQ(topic.rfind("homeassistant/sensor/" + node + "/", 0), 0u);
      std::string unique = c["unique_id"];
      EXPECT_EQ(unique.rfind(node + "_", 0), 0u);
      EXPECT_TRUE(ids.insert(unique).second) << "unique_id used twice: " << unique;
      EXPECT_EQ(c["default_entity_id"], "sensor." + unique);
      EXPECT_FALSE(c.contains("object_id")) << "deprecated since Home Assistant 2025.10";
      EXPECT_EQ(c["device"]["identifiers"][0], node);
      EXPECT_EQ(c["device"]["serial_number"], number);
      EXPECT_EQ(c["device"]["manufacturer"], "Kaifa");
      EXPECT_EQ(c["device"]["model"], "KFM meter, evn layout");
      EXPECT_TRUE(c["device"].contains("sw_version"));
      EXPECT_EQ(c["availability_topic"], (configs == &first ? "house-one" : "house-two") + std::string("/availability"));
      if (topic.find("/status_") != std::string::npos) {
        EXPECT_EQ(c["entity_category"], "diagnostic");
        EXPECT_EQ(c["enabled_by_default"], false);
      } else {
        EXPECT_EQ(c["expire_after"], 60);
      }
    }
  }
  for (const auto& [topic, c] : first) EXPECT_EQ(second.count(topic), 0u) << "both announce " << topic;

  // The meter number is remembered: restarted without its meter, the first
  // installation announces its entities at once.
  size_t before = sub.payloads("homeassistant/sensor/p1bridge_100000000001/w_p/config").size();
  EXPECT_EQ(a.stop(), 0);
  one.stop();
  ASSERT_TRUE(a.start(bridge("one", port_one), dir + "/one.log"));
  EXPECT_TRUE(sub.wait_until([&](const auto&) {
    return sub.payloads("homeassistant/sensor/p1bridge_100000000001/w_p/config").size() > before;
  }, 10000)) << p1it::read_text(dir + "/one.log");
  EXPECT_NE(p1it::read_text(dir + "/one.log").find("last known meter number 100000000001"), std::string::npos);
}

TEST(Onboarding, AvailabilityTurnsOfflineWhenTheMeterGoesQuietAndOnlineWithItsNextReading) {
  std::string dir = p1it::temp_dir("stale");
  p1it::Broker broker(dir);
  ASSERT_TRUE(broker.start());
  p1it::Subscriber sub(broker.port());
  ASSERT_TRUE(sub.subscribe("smartmeter/#"));
  ASSERT_TRUE(sub.subscribe("homeassistant/#"));
  // The meter behind a TCP serial bridge (p1sim as ser2net).
  int meter_port = p1it::free_port();
  Process meter;
  ASSERT_TRUE(meter.start({p1it::p1sim_bin(), "--output", "tcp:" + std::to_string(meter_port), "--interval", "0.2",
                           "--baud", "0"},
                          dir + "/meter.out"));
  ASSERT_TRUE(p1it::wait_for_port(meter_port, 5000));
  Process bridge;
  ASSERT_TRUE(bridge.start({p1it::p1bridge_bin(), "run", "--port", "tcp://127.0.0.1:" + std::to_string(meter_port),
                            "--key", kKey, "--mqtt-port",
                            std::to_string(broker.port()), "--queue-dir", dir + "/queue", "--stale-after", "3",
                            "--no-web"},
                           dir + "/bridge.log"));
  auto availability = [&] { return sub.payloads("smartmeter/availability"); };
  auto readings = [&] { return sub.payloads("smartmeter/json").size(); };
  ASSERT_TRUE(sub.wait_until([&](const auto&) { return readings() >= 5; }, 15000)) << p1it::read_text(dir + "/bridge.log");
  EXPECT_EQ(availability().back(), "online");
  // The meter stops sending (the line stays open): offline after the stated
  // 3 s, not before.
  ASSERT_EQ(kill(meter.pid(), SIGSTOP), 0);
  auto quiet_since = std::chrono::steady_clock::now();
  ASSERT_TRUE(sub.wait_until([&](const auto&) { return availability().back() == "offline"; }, 10000))
      << p1it::read_text(dir + "/bridge.log");
  EXPECT_GE(std::chrono::steady_clock::now() - quiet_since, std::chrono::milliseconds(2500));
  EXPECT_TRUE(bridge.running()) << "offline means the meter is quiet, not that p1bridge stopped";
  // Discovery tells Home Assistant the same time for the values.
  auto config = sub.payloads("homeassistant/sensor/p1bridge_181220000009/w_p/config");
  ASSERT_FALSE(config.empty());
  EXPECT_EQ(json::parse(config.back())["expire_after"], 3);
  // The meter sends again: online with its next reading.
  size_t seen = readings();
  ASSERT_EQ(kill(meter.pid(), SIGCONT), 0);
  ASSERT_TRUE(sub.wait_until([&](const auto&) { return availability().back() == "online" && readings() > seen; }, 10000))
      << p1it::read_text(dir + "/bridge.log");
  std::string log = p1it::read_text(dir + "/bridge.log");
  EXPECT_NE(log.find("no reading for 3 s"), std::string::npos) << log;
  EXPECT_NE(log.find("sending again"), std::string::npos) << log;
  EXPECT_EQ(bridge.stop(), 0);
  EXPECT_TRUE(sub.wait_until([&](const auto&) { return availability().back() == "offline"; }, 5000))
      << "a clean stop says offline too";
}

TEST(Onboarding, RepeatedDecodeErrorsAreLoggedOncePerMinuteWithACount) {
  std::string dir = p1it::temp_dir("repeated");
  p1it::Broker broker(dir);
  ASSERT_TRUE(broker.start());
  // Every telegram with a key p1bridge does not have: one warning, not 30.
  int meter_port = p1it::free_port();
  Process sim;
  ASSERT_TRUE(sim.start({p1it::p1sim_bin(), "--output", "tcp:" + std::to_string(meter_port), "--count", "30",
                         "--interval", "0.05", "--baud", "0", "--delay", "1", "--key", "000102030405060708090A0B0C0D0E0F"},
                        dir + "/sim.out"));
  ASSERT_TRUE(p1it::wait_for_port(meter_port, 5000));
  Process bridge;
  ASSERT_TRUE(bridge.start({p1it::p1bridge_bin(), "run", "--port", "tcp://127.0.0.1:" + std::to_string(meter_port),
                            "--key", kKey, "--mqtt-port", std::to_string(broker.port()), "--queue-dir", dir + "/queue",
                            "--no-web"},
                           dir + "/bridge.log"));
  ASSERT_EQ(sim.wait(20000), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(bridge.stop(), 0);
  std::string log = p1it::read_text(dir + "/bridge.log");
  size_t warnings = 0;
  for (size_t at = log.find("wrong key?"); at != std::string::npos; at = log.find("wrong key?", at + 1)) ++warnings;
  EXPECT_EQ(warnings, 1u) << log;
}

// The README's list of environment variables, each with a value that works,
// what --check then shows, and a value it refuses.
struct EnvCase {
  const char* value;
  const char* shown;  // in --check's output
  const char* bad;    // nullptr: nothing to refuse (any text is a valid user, say)
};
const std::map<std::string, EnvCase>& env_cases() {
  static const std::map<std::string, EnvCase> all = {
      {"P1BRIDGE_MQTT_HOST", {"broker.lan", "mqtt broker.lan:", ""}},
      {"P1BRIDGE_MQTT_PORT", {"8884", ":8884 ", "70000"}},
      {"P1BRIDGE_MQTT_USER", {"reader", "user=reader", nullptr}},
      {"P1BRIDGE_MQTT_PASSWORD", {"s3cret-pw", "password=(set)", nullptr}},
      {"P1BRIDGE_MQTT_CLIENT_ID", {"p1-house", "client_id=p1-house", "has space"}},
      {"P1BRIDGE_MQTT_QOS", {"2", "qos=2", "3"}},
      {"P1BRIDGE_MQTT_RETAIN", {"true", "retain=yes", "maybe"}},
      {"P1BRIDGE_MQTT_FINGERPRINT", {"ABCDEF0123456789ABCDEF0123456789ABCDEF01", "tls=pinned fingerprint", "abcd"}},
      {"P1BRIDGE_MQTT_CA_FILE", {P1_TESTDATA_DIR "/README.md", "tls=CA ", nullptr}},
      {"P1BRIDGE_MQTT_MODES", {"raw,topics", "modes=raw topics", "xml"}},
      {"P1BRIDGE_MQTT_DISCOVERY", {"false", "discovery=off", "perhaps"}},
      {"P1BRIDGE_WEB_BIND", {"127.0.0.1", "web 127.0.0.1:", ""}},
      {"P1BRIDGE_WEB_PORT", {"8099", ":8099 ", "0"}},
      {"P1BRIDGE_WEB_KEY", {"correct-horse-battery", "web 0.0.0.0:8080 key=(set)", "short"}},
      {"P1BRIDGE_WEB_API", {"true", "api=on", "maybe"}},
      {"P1BRIDGE_WEB_API_TOKEN", {"read-only-token-0123", "api_token=(set)", "short token"}},
      {"P1BRIDGE_QUEUE_DIR", {"/srv/p1queue", "queue /srv/p1queue ", ""}},
      {"P1BRIDGE_LOG_LEVEL", {"debug", "log level=debug", "loud"}},
      {"P1BRIDGE_KEY", {kKey, " key=(set)", "1234"}},
      {"P1BRIDGE_AUTH_KEY", {"C0C1C2C3C4C5C6C7C8C9CACBCCCDCECF", "auth_key=(set)", "C0C1"}},
  };
  return all;
}

std::set<std::string> documented_variables() {
  std::string readme = p1it::read_text(std::string(P1_TESTDATA_DIR) + "/../README.md");
  size_t from = readme.find("### Environment variables");
  size_t to = std::min(readme.find("\n## ", from + 1), readme.find("\n### ", from + 1));
  EXPECT_NE(from, std::string::npos) << "README.md has no environment variable section";
  if (from == std::string::npos) return {};
  std::string section = readme.substr(from, to - from);
  std::set<std::string> out;
  std::regex name("`(P1BRIDGE_[A-Z_]+)`");
  for (auto it = std::sregex_iterator(section.begin(), section.end(), name); it != std::sregex_iterator(); ++it) {
    out.insert((*it)[1]);
  }
  return out;
}

TEST(Onboarding, EveryDocumentedEnvironmentVariableWorksAndBadValuesAreRefusedNamingThem) {
  std::string dir = p1it::temp_dir("env");
  std::set<std::string> documented = documented_variables();
  EXPECT_GE(documented.size(), env_cases().size());
  for (const std::string& var : documented) {
    SCOPED_TRACE(var);
    auto it = env_cases().find(var);
    ASSERT_NE(it, env_cases().end()) << "documented in README.md but not tested here";
    const EnvCase& c = it->second;
    std::vector<std::string> args = {"run", "--port", "/dev/ttyUSB0", "--check"};
    if (var != "P1BRIDGE_KEY") args.insert(args.end(), {"--key", kKey});
    std::string out;
    EXPECT_EQ(run_bridge(dir, args, out, {var + "=" + c.value}), 0) << out;
    EXPECT_NE(out.find(c.shown), std::string::npos) << out;
    if (var == "P1BRIDGE_MQTT_PASSWORD" || var == "P1BRIDGE_KEY" || var == "P1BRIDGE_WEB_KEY" ||
        var == "P1BRIDGE_WEB_API_TOKEN") {
      EXPECT_EQ(out.find(c.value), std::string::npos) << "a secret in the output";
    }
    if (c.bad == nullptr) continue;
    EXPECT_EQ(run_bridge(dir, args, out, {var + "=" + c.bad}), 2) << out;
    EXPECT_NE(out.find(var), std::string::npos) << "the refusal names the variable: " << out;
    bool secret = var == "P1BRIDGE_KEY" || var == "P1BRIDGE_AUTH_KEY" || var == "P1BRIDGE_WEB_KEY" ||
                  var == "P1BRIDGE_WEB_API_TOKEN";
    std::string given = secret ? "a value of " + std::to_string(std::string(c.bad).size()) + " characters"
                               : "\"" + std::string(c.bad) + "\"";
    EXPECT_NE(out.find("got " + given), std::string::npos) << "the refusal names what was given: " << out;
  }
}

TEST(Onboarding, FileThenEnvironmentThenFlags) {
  std::string dir = p1it::temp_dir("precedence");
  std::ofstream(dir + "/p1bridge.toml") << "[mqtt]\nhost = \"file.lan\"\nport = 1111\nuser = \"file-user\"\nqos = 0\n"
                                        << "[[meter]]\nname = \"house\"\nsource = \"/dev/ttyUSB0\"\nkey = \"" << kKey
                                        << "\"\n";
  std::string out;
  // Only the file.
  ASSERT_EQ(run_bridge(dir, {"run", "--config", dir + "/p1bridge.toml", "--check"}, out), 0) << out;
  EXPECT_NE(out.find("mqtt file.lan:1111 user=file-user"), std::string::npos) << out;
  // The environment beats the file.
  ASSERT_EQ(run_bridge(dir, {"run", "--config", dir + "/p1bridge.toml", "--check"}, out,
                       {"P1BRIDGE_MQTT_HOST=env.lan", "P1BRIDGE_MQTT_PORT=2222"}),
            0)
      << out;
  EXPECT_NE(out.find("mqtt env.lan:2222 user=file-user"), std::string::npos) << out;
  // Flags beat both; what neither gives stays from the file.
  ASSERT_EQ(run_bridge(dir, {"run", "--config", dir + "/p1bridge.toml", "--mqtt-port", "3333", "--check"}, out,
                       {"P1BRIDGE_MQTT_HOST=env.lan", "P1BRIDGE_MQTT_PORT=2222"}),
            0)
      << out;
  EXPECT_NE(out.find("mqtt env.lan:3333 user=file-user"), std::string::npos) << out;
  EXPECT_NE(out.find("qos=0"), std::string::npos) << out;
  // A bad value in the environment stops it even when a flag would win.
  EXPECT_EQ(run_bridge(dir, {"run", "--config", dir + "/p1bridge.toml", "--mqtt-port", "3333", "--check"}, out,
                       {"P1BRIDGE_MQTT_PORT=http"}),
            2);
  EXPECT_NE(out.find("P1BRIDGE_MQTT_PORT"), std::string::npos) << out;
}

TEST(Onboarding, VersionNamesRevisionCryptoAndMosquitto) {
  std::string dir = p1it::temp_dir("version");
  std::string out;
  ASSERT_EQ(run_bridge(dir, {"--version"}, out), 0) << out;
  EXPECT_TRUE(std::regex_search(out, std::regex("^p1bridge [0-9]+\\.[0-9]+\\.[0-9]+ \\(git [^)]+\\)\n"))) << out;
  EXPECT_TRUE(std::regex_search(out, std::regex("\ncrypto: bearssl"))) << out;
  EXPECT_TRUE(std::regex_search(out, std::regex("\nmqtt: libmosquitto [0-9]+\\.[0-9]+\\.[0-9]+"))) << out;
}

// As a user who may not write /var/lib/p1bridge (needs root to switch).
TEST(Onboarding, ANormalUserGetsTheQueueInTheirStateDirectoryAndPermissionErrorsSayTheFix) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to run p1bridge as another user";
  std::string dir = p1it::temp_dir("user");
  chmod(dir.c_str(), 0777);
  std::string state = dir + "/state";
  std::ofstream(dir + "/capture.bin") << "";
  chmod((dir + "/capture.bin").c_str(), 0644);
  std::string out;
  // The default queue directory is not theirs: the queue goes to
  // $XDG_STATE_HOME/p1bridge and the log says so.
  int rc = run_bridge(dir,
                      {"run", "--port", "file:" + dir + "/capture.bin", "--key", kKey, "--mqtt-port", "1", "--no-web"},
                      out, {"-u", "P1BRIDGE_QUEUE_DIR", "XDG_STATE_HOME=" + state, "/usr/bin/setpriv",
                            "--reuid=nobody", "--regid=nogroup", "--clear-groups"});
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("/var/lib/p1bridge is not writable by nobody"), std::string::npos) << out;
  EXPECT_NE(out.find("using " + state + "/p1bridge instead"), std::string::npos) << out;
  struct stat st {};
  EXPECT_EQ(stat((state + "/p1bridge").c_str(), &st), 0);
  // A serial port they may not open: the message says how to get access.
  std::ofstream(dir + "/ttyUSB9") << "";
  chmod((dir + "/ttyUSB9").c_str(), 0600);
  Process bridge;
  ASSERT_TRUE(bridge.start({"/usr/bin/env", "XDG_STATE_HOME=" + state, "/usr/bin/setpriv", "--reuid=nobody",
                            "--regid=nogroup", "--clear-groups", p1it::p1bridge_bin(), "run", "--port",
                            dir + "/ttyUSB9", "--key", kKey, "--mqtt-port", "1", "--no-web"},
                           dir + "/serial.log"));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  bridge.stop();
  std::string log = p1it::read_text(dir + "/serial.log");
  EXPECT_NE(log.find("cannot open " + dir + "/ttyUSB9: Permission denied: add yourself to the dialout group "
                     "(sudo adduser $USER dialout) and log in again"),
            std::string::npos)
      << log;
  // A config file only its owner may read.
  std::ofstream(dir + "/secret.toml") << "[[meter]]\nsource = \"/dev/ttyUSB0\"\n";
  chmod((dir + "/secret.toml").c_str(), 0600);
  EXPECT_EQ(run_bridge(dir, {"run", "--config", dir + "/secret.toml", "--check"}, out,
                       {"/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"}),
            2);
  EXPECT_NE(out.find("Permission denied: it holds keys and only its owner may read it"), std::string::npos) << out;
}

int connect_to(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  timeval tv{3, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

TEST(Simulator, TcpOutputServesTheNextClientWhenOneLeaves) {
  std::string dir = p1it::temp_dir("sim-tcp");
  int port = p1it::free_port();
  Process sim;
  ASSERT_TRUE(sim.start({p1it::p1sim_bin(), "--output", "tcp:" + std::to_string(port), "--interval", "0.1", "--baud",
                         "0"},
                        dir + "/sim.out"));
  ASSERT_TRUE(p1it::wait_for_port(port, 5000));
  for (int client = 0; client < 3; ++client) {
    SCOPED_TRACE(client);
    int fd = connect_to(port);
    ASSERT_GE(fd, 0);
    char buffer[512];
    ssize_t n = read(fd, buffer, sizeof buffer);
    EXPECT_GT(n, 0) << "no telegram for this client";
    if (n > 0) {
      EXPECT_EQ(static_cast<uint8_t>(buffer[0]), 0x68) << "an M-Bus long frame";
    }
    close(fd);
    std::this_thread::sleep_for(std::chrono::milliseconds(400));  // p1sim notices the client left
    EXPECT_TRUE(sim.running()) << p1it::read_text(dir + "/sim.out");
  }
  EXPECT_EQ(sim.stop(), 0);
}

}  // namespace

namespace {

// `p1bridge run --help` and the README list the same flags.
TEST(Onboarding, TheReadmeListsEveryFlagOfRunHelp) {
  std::string dir = p1it::temp_dir("help");
  std::string help;
  ASSERT_EQ(run_bridge(dir, {"run", "--help"}, help), 0) << help;
  std::string readme = p1it::read_text(std::string(P1_TESTDATA_DIR) + "/../README.md");
  size_t from = readme.find("### Flags of `p1bridge run`");
  ASSERT_NE(from, std::string::npos);
  std::string section = readme.substr(from, readme.find("\n### ", from + 1) - from);
  std::regex flag("--[a-z][a-z-]+");
  std::set<std::string> in_help, in_readme;
  for (auto it = std::sregex_iterator(help.begin(), help.end(), flag); it != std::sregex_iterator(); ++it) {
    in_help.insert(it->str());
  }
  for (auto it = std::sregex_iterator(section.begin(), section.end(), flag); it != std::sregex_iterator(); ++it) {
    in_readme.insert(it->str());
  }
  in_help.erase("--help");
  in_readme.erase("--help");
  for (const std::string& f : in_help) EXPECT_EQ(in_readme.count(f), 1u) << f << " is in --help but not in README.md";
  for (const std::string& f : in_readme) EXPECT_EQ(in_help.count(f), 1u) << f << " is in README.md but not in --help";
}

}  // namespace

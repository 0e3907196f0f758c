// `p1bridge probe` against p1sim: the simulated meter keeps its own line
// setting on the pty (p1sim --line: a reader set otherwise receives noise,
// as from a real UART), so the probe must find the setting, name the meter,
// tell a wrong key, and say so plainly when nothing arrives. Also over TCP.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

namespace {

using p1it::Process;

struct ProbeRun {
  int rc = -1;
  std::string out;
};

struct PtyMeter {
  Process process;
  std::string link;
  bool start(const std::string& dir, std::vector<std::string> extra) {
    link = dir + "/meter.tty";
    std::vector<std::string> argv = {p1it::p1sim_bin(), "--output", "pty", "--link", link, "--interval", "0.5",
                                     "--baud", "0"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    if (!process.start(argv, dir + "/p1sim.out")) return false;
    for (int i = 0; i < 200 && access(link.c_str(), F_OK) != 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return access(link.c_str(), F_OK) == 0;
  }
};

ProbeRun probe(const std::string& dir, const std::vector<std::string>& args, const char* seconds = "1.6") {
  std::vector<std::string> argv = {p1it::p1bridge_bin(), "probe", "--seconds", seconds};
  argv.insert(argv.end(), args.begin(), args.end());
  Process p;
  ProbeRun r;
  EXPECT_TRUE(p.start(argv, dir + "/probe.out"));
  r.rc = p.wait(60000);
  r.out = p1it::read_text(dir + "/probe.out");
  return r;
}

bool has(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

const char* kSimKey = "36C66639E48A8CA4D6BC8B282A793BBB";  // p1sim's default
const char* kAmisKey = "00112233445566778899AABBCCDDEEFF";  // the AMIS spec sample's

TEST(Probe, FindsTheLineSettingAndWritesAMeterSection) {
  std::string dir = p1it::temp_dir("probe-found");
  PtyMeter meter;
  // The P1 port of Energienetze Steiermark: bare APDUs at 115200 8N1.
  ASSERT_TRUE(meter.start(dir, {"--family", "steiermark", "--line", "115200-8N1"}));
  ProbeRun r = probe(dir, {"--port", meter.link, "--key", kSimKey});
  EXPECT_EQ(r.rc, 0) << r.out;
  // 2400 and 9600 see only noise; 115200 decodes.
  EXPECT_TRUE(has(r.out, "  2400 8E1 (M-Bus customer interface: Netz NÖ (EVN), TINETZ, Salzburg Netz, Vorarlberg "
                         "Netz, IKB)... bytes "))
      << r.out;
  EXPECT_TRUE(has(r.out, "frames 0, checksum errors")) << r.out;
  EXPECT_TRUE(has(r.out, "115200 8N1 (P1 port: Energienetze Steiermark, Kärnten Netz, Wiener Netze (IM350))... bytes "))
      << r.out;
  EXPECT_TRUE(has(r.out, "Line setting: 115200 8N1.\n")) << r.out;
  EXPECT_TRUE(has(r.out, "Readings decoded.\n")) << r.out;
  EXPECT_TRUE(has(r.out, "One reading: {")) << r.out;
  EXPECT_TRUE(has(r.out, "[[meter]]\nsource = \"" + meter.link + "\"\nbaud = 115200\nparity = \"none\"\n")) << r.out;
  EXPECT_FALSE(has(r.out, kSimKey)) << "the key is a secret";
  meter.process.stop();
}

TEST(Probe, SaysWhenTheKeyIsWrong) {
  std::string dir = p1it::temp_dir("probe-key");
  PtyMeter meter;
  ASSERT_TRUE(meter.start(dir, {"--family", "evn", "--line", "2400-8E1"}));
  ProbeRun r = probe(dir, {"--port", meter.link, "--key", "00112233445566778899AABBCCDDEEFF"});
  EXPECT_EQ(r.rc, 1) << r.out;
  EXPECT_TRUE(has(r.out, "Line setting: 2400 8E1.\n")) << r.out;
  EXPECT_TRUE(has(r.out, "Meter: Kaifa on an M-Bus port: Netz NÖ (EVN).\n")) << r.out;
  EXPECT_TRUE(has(r.out, "Telegrams arrive, but the key does not decrypt them: the key is wrong.\n")) << r.out;
  EXPECT_FALSE(has(r.out, "[[meter]]")) << r.out;
  // Only the meter's own speed showed frames: the others stay at noise.
  EXPECT_TRUE(has(r.out, "9600 8E1 (infrared head on a Siemens AMIS meter: Netz Oberösterreich)... bytes ")) << r.out;
  EXPECT_TRUE(has(r.out, "115200 8N1 (P1 port")) << r.out;
  meter.process.stop();
}

// A meter at a line setting none of the Austrian interfaces uses (or a wrong
// adapter): bytes at every setting, never a frame, and the probe says so.
TEST(Probe, BytesWithoutFramesAtEverySettingAreSaidPlainly) {
  std::string dir = p1it::temp_dir("probe-noise");
  PtyMeter meter;
  ASSERT_TRUE(meter.start(dir, {"--family", "evn", "--line", "4800-8E1"}));
  ProbeRun r = probe(dir, {"--port", meter.link, "--key", kSimKey}, "1.2");
  EXPECT_EQ(r.rc, 1) << r.out;
  EXPECT_TRUE(has(r.out, "115200 8N1 (")) << "every setting is tried: " << r.out;
  EXPECT_FALSE(has(r.out, "frames 1") || has(r.out, "frames 2")) << r.out;
  EXPECT_TRUE(has(r.out, "Bytes, but no valid frame at any setting: a line setting not in the list, a wrong adapter "
                         "(M-Bus level converter vs. TTL/IR head), or noise on the line.\n"))
      << r.out;
  EXPECT_FALSE(has(r.out, "[[meter]]")) << r.out;
  meter.process.stop();
}

TEST(Probe, NothingOnTheLineIsSaidPlainly) {
  std::string dir = p1it::temp_dir("probe-silent");
  PtyMeter meter;
  ASSERT_TRUE(meter.start(dir, {"--delay", "600"}));  // a meter whose interface is not enabled
  ProbeRun r = probe(dir, {"--port", meter.link}, "0.6");
  EXPECT_EQ(r.rc, 1) << r.out;
  EXPECT_TRUE(has(r.out, "115200 8N1 (")) << "every setting is tried: " << r.out;
  EXPECT_TRUE(has(r.out, "No bytes at any speed: cable, power or the customer interface not enabled by the grid "
                         "operator.\n"))
      << r.out;
  meter.process.stop();
}

// Every family p1sim simulates, at the line setting its meters use. (A pty
// cannot carry parity: 8E1 and 8N1 at one speed look alike to p1sim.)
TEST(Probe, IdentifiesEveryFamilyAtItsLineSetting) {
  struct Case {
    const char* family;
    const char* line;
    const char* found;
    const char* meter;
  };
  const Case cases[] = {
      {"evn", "2400-8E1", "2400 8E1", "EVN/Netz NÖ"},
      {"ksm-west", "2400-8E1", "2400 8E1", "TINETZ, Salzburg, Vorarlberg, IKB"},
      {"wiener-netze", "9600-8N1", "9600 8N1", "Wiener Netze (AM550, E450)"},
      {"netz-burgenland", "9600-8N1", "9600 8N1", "Netz Burgenland (E450)"},
      {"e450-gbt", "9600-8N1", "9600 8N1", "Landis+Gyr E450"},
      {"kaernten-netz", "115200-8N1", "115200 8N1", "Kärnten Netz, Wels"},
      {"steiermark", "115200-8N1", "115200 8N1", ""},
      // Netz OÖ: the meter searches (here every 0.5 s instead of once a minute)
      // and sends only once the probe answers; a pty carries no parity, so at
      // 9600 8N1 the probe sees the search frames but, not acknowledging,
      // nothing else; at 9600 8E1 it answers and reads.
      {"amis", "9600-8E1", "9600 8E1", "Siemens AMIS: Netz Oberösterreich"},
  };
  for (const Case& c : cases) {
    std::string dir = p1it::temp_dir(std::string("probe-") + c.family);
    PtyMeter meter;
    std::vector<std::string> extra = {"--family", c.family, "--line", c.line};
    std::string key = kSimKey;
    if (std::string(c.family) == "amis") {
      key = kAmisKey;
      extra.insert(extra.end(), {"--key", kAmisKey, "--search-interval", "0.5"});
    }
    ASSERT_TRUE(meter.start(dir, extra));
    ProbeRun r = probe(dir, {"--port", meter.link, "--key", key}, "1.6");
    EXPECT_EQ(r.rc, 0) << c.family << "\n" << r.out;
    EXPECT_TRUE(has(r.out, std::string("Line setting: ") + c.found)) << c.family << "\n" << r.out;
    EXPECT_TRUE(has(r.out, std::string("Meter: ") + c.meter)) << c.family << "\n" << r.out;
    meter.process.stop();
  }
}

TEST(Probe, ListensToASerialBridgeOverTcp) {
  std::string dir = p1it::temp_dir("probe-tcp");
  int port = p1it::free_port();
  Process sim;
  ASSERT_TRUE(sim.start({p1it::p1sim_bin(), "--family", "ksm-west", "--key", "101112131415161718191A1B1C1D1E1F",
                         "--output", "tcp:" + std::to_string(port), "--interval", "0.5", "--baud", "0"},
                        dir + "/p1sim.out"));
  ASSERT_TRUE(p1it::wait_for_port(port, 10000));
  ProbeRun r = probe(dir, {"--port", "tcp://127.0.0.1:" + std::to_string(port), "--key",
                           "101112131415161718191A1B1C1D1E1F"});
  EXPECT_EQ(r.rc, 0) << r.out;
  EXPECT_TRUE(has(r.out, "Listening to tcp://127.0.0.1:" + std::to_string(port))) << r.out;
  EXPECT_TRUE(has(r.out, "Meter: TINETZ, Salzburg, Vorarlberg, IKB.\n")) << r.out;
  EXPECT_TRUE(has(r.out, "[[meter]]\nsource = \"tcp://127.0.0.1:" + std::to_string(port) + "\"\nkey = \"...\"")) << r.out;
  sim.stop();
}

}  // namespace

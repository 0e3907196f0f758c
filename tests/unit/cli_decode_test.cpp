// `p1bridge decode` as a user runs it: output lines, messages, exit codes.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>
#include <fstream>

#include "support/evn_fixture.h"

namespace {

struct CliRun {
  int status;
  std::string out;
  std::string err;
};

// Unique per test process: ctest runs the tests in parallel. Removed when
// the test program ends (P1_KEEP_TEST_DIRS=1 keeps them).
std::vector<std::string>& made_paths() {
  static std::vector<std::string> paths;
  return paths;
}
void remove_made_paths() {
  const char* keep = std::getenv("P1_KEEP_TEST_DIRS");
  if (keep != nullptr && std::string(keep) == "1") return;
  for (const std::string& p : made_paths()) std::remove(p.c_str());
}
std::string temp_path(const std::string& name) {
  std::string path = ::testing::TempDir() + "/p1cli-" + std::to_string(getpid()) + "-" + name;
  if (made_paths().empty()) std::atexit(remove_made_paths);
  if (std::find(made_paths().begin(), made_paths().end(), path) == made_paths().end()) made_paths().push_back(path);
  return path;
}

CliRun run(const std::string& args, const std::string& stdin_text = "") {
  std::string in = temp_path("stdin.txt"), out = temp_path("stdout.txt"), err = temp_path("stderr.txt");
  std::ofstream(in, std::ios::binary) << stdin_text;
  std::string cmd = std::string(P1BRIDGE_BIN) + " " + args + " <" + in + " >" + out + " 2>" + err;
  int rc = std::system(cmd.c_str());
  return CliRun{WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, p1test::read_file(out), p1test::read_file(err)};
}

std::string write(const std::string& name, const std::string& content) {
  std::string path = temp_path(name);
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

const char* kKey = "36C66639E48A8CA4D6BC8B282A793BBB";

std::string sample_hex() { return p1test::load_telegram("at-netznoe-kaifa-ma309-docsample")["hex"]; }

size_t count_lines(const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

TEST(CliDecode, DecodesTheBundledSample) {
  CliRun r = run(std::string("decode --key ") + kKey + " " + P1_TESTDATA_DIR + "/evn-sample.hex");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(count_lines(r.out), 1u);
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["meternumber"], "181220000009");
  EXPECT_EQ(j["u1"].get<double>(), 233.7);
  EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST(CliDecode, HexWithSpacesLowerCaseAndGarbageBetweenTelegramsFromStdin) {
  std::string hex = sample_hex();
  std::string spaced;
  for (size_t i = 0; i < hex.size(); i += 2) spaced += static_cast<char>(std::tolower(hex[i])) + std::string(1, static_cast<char>(std::tolower(hex[i + 1]))) + (i % 32 == 30 ? "\n" : " ");
  std::string later = p1enc::to_hex(p1test::evn_wire(100));  // same key, later frame counter
  std::string input = "e5 00 ff\n" + spaced + "\n10 5b fe 59 16\n" + later;
  CliRun r = run(std::string("decode --key ") + kKey + " -", input);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(count_lines(r.out), 2u);
}

TEST(CliDecode, BinaryInput) {
  auto bytes = p1enc::from_hex(sample_hex());
  std::string path = write("capture.bin", std::string(bytes.begin(), bytes.end()));
  CliRun r = run(std::string("decode --binary --key ") + kKey + " " + path);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(count_lines(r.out), 1u);
}

TEST(CliDecode, ChecksumErrorNamesFrameAndExitsOne) {
  std::string hex = sample_hex();
  hex[40] = hex[40] == '0' ? '1' : '0';  // inside frame 1
  std::string path = write("bad.hex", hex + "\n" + sample_hex() + "\n");
  CliRun r = run(std::string("decode --key ") + kKey + " " + path);
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(count_lines(r.out), 1u);  // the good telegram after the bad one
  EXPECT_NE(r.err.find("M-Bus checksum mismatch"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("frame 1"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("framing"), std::string::npos) << r.err;
}

TEST(CliDecode, WrongKeyMessage) {
  std::string path = write("sample.hex", sample_hex());
  CliRun r = run("decode --key 00112233445566778899AABBCCDDEEFF " + path);
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(r.out.empty());
  EXPECT_NE(r.err.find("decryption produced no valid APDU: wrong key?"), std::string::npos) << r.err;
}

TEST(CliDecode, TruncatedMessage) {
  std::string hex = sample_hex();
  std::string path = write("short.hex", hex.substr(0, hex.size() - 30));
  CliRun r = run(std::string("decode --key ") + kKey + " " + path);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("truncated"), std::string::npos) << r.err;
}

TEST(CliDecode, AuthenticationTagMismatchMessage) {
  auto apdu = p1enc::cipher(p1enc::evn_notification(p1test::evn_values(1)), p1test::cipher_params(1, 0x30));
  apdu[40] ^= 1;
  std::string path = write("auth.hex", p1enc::to_hex(p1enc::mbus_frames(apdu)));
  CliRun r = run(std::string("decode --key ") + kKey + " --auth-key C0C1C2C3C4C5C6C7C8C9CACBCCCDCECF " + path);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("authentication tag mismatch: wrong authentication key or tampered telegram"),
            std::string::npos)
      << r.err;
}

TEST(CliDecode, UsageErrorsExitTwo) {
  std::string path = write("sample2.hex", sample_hex());
  CliRun short_key = run("decode --key 36C666 " + path);
  EXPECT_EQ(short_key.status, 2);
  EXPECT_NE(short_key.err.find("32 hex digits"), std::string::npos) << short_key.err;
  CliRun bad_hex = run("decode --key 36C66639E48A8CA4D6BC8B282A793BBZ " + path);
  EXPECT_EQ(bad_hex.status, 2);
  EXPECT_NE(bad_hex.err.find("hex digits"), std::string::npos) << bad_hex.err;
  CliRun bad_auth = run(std::string("decode --key ") + kKey + " --auth-key 12 " + path);
  EXPECT_EQ(bad_auth.status, 2);
  CliRun missing = run(std::string("decode --key ") + kKey + " /nonexistent/capture.hex");
  EXPECT_EQ(missing.status, 2);
  CliRun not_hex = run(std::string("decode --key ") + kKey + " -", "hello world");
  EXPECT_EQ(not_hex.status, 2);
  EXPECT_NE(not_hex.err.find("--binary"), std::string::npos) << not_hex.err;
  CliRun unknown_flag = run("decode --frobnicate");
  EXPECT_EQ(unknown_flag.status, 2);
  CliRun bad_profile = run(std::string("decode --profile nope --key ") + kKey + " " + path);
  EXPECT_EQ(bad_profile.status, 2);
  EXPECT_NE(bad_profile.err.find("evn"), std::string::npos);
}

TEST(CliDecode, EmptyInputSaysNothingWasFound) {
  CliRun r = run(std::string("decode --key ") + kKey + " -", "");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("no telegram found"), std::string::npos) << r.err;
}

TEST(CliDecode, TopicsAndRawFormats) {
  std::string path = write("sample3.hex", sample_hex());
  CliRun topics = run(std::string("decode --format topics --base home/meter --key ") + kKey + " " + path);
  EXPECT_EQ(topics.status, 0);
  EXPECT_NE(topics.out.find("home/meter/w_p 12937\n"), std::string::npos) << topics.out;
  EXPECT_NE(topics.out.find("home/meter/u1 233.7\n"), std::string::npos) << topics.out;
  CliRun raw = run(std::string("decode --format raw --key ") + kKey + " " + path);
  EXPECT_EQ(raw.status, 0);
  EXPECT_EQ(raw.out, p1test::load_telegram("at-netznoe-kaifa-ma309-docsample")["plaintext_hex"].get<std::string>() + "\n");
}

TEST(CliDecode, SecretsDoNotAppearInHelp) {
  CliRun help = run("decode --help");
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find("--key"), std::string::npos);
}

}  // namespace

namespace {

TEST(CliDecode, EverySharedTelegramDecodesWithoutAProfile) {
  for (const std::string& id : p1test::telegram_ids()) {
    nlohmann::json t = p1test::load_telegram(id);
    std::string path = write(id + ".hex", t["hex"].get<std::string>());
    std::string args = "decode ";
    if (t["key"].is_string()) args += "--key " + t["key"].get<std::string>() + " ";
    if (t["auth_key"].is_string()) args += "--auth-key " + t["auth_key"].get<std::string>() + " ";
    CliRun r = run(args + path);
    EXPECT_EQ(r.status, 0) << id << ": " << r.err;
    EXPECT_EQ(count_lines(r.out), 1u) << id;
    auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["timestamp"], t["expected"]["timestamp"]) << id;
  }
}

TEST(CliDecode, UnknownLayoutShowsTheStructureSeen) {
  p1enc::DateTime time;
  auto body = p1enc::notification(&time, {p1enc::octets(time.encode()), p1enc::integer(0x06, 1), p1enc::integer(0x11, 2)});
  std::string path = write("unknown.hex", p1enc::to_hex(p1enc::hdlc_frames(body)));
  CliRun r = run("decode " + path);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("structure(3){octet-string(12), double-long-unsigned, unsigned}"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--profile"), std::string::npos) << r.err;
}

}  // namespace

namespace {

TEST(CliDecode, ACaptureWithRepeatedTelegramsDecodesEachOne) {
  // Offline, a repeated frame counter is no replay attack: every copy decodes
  // (the gateway, `p1bridge run`, rejects repeats instead).
  std::string hex = sample_hex();
  std::string path = write("repeated.hex", hex + "\n" + hex + "\n" + hex + "\n");
  CliRun r = run(std::string("decode --key ") + kKey + " " + path);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(count_lines(r.out), 3u);
}

}  // namespace

namespace {

TEST(CliDecode, TelegramsBeforeABadCharacterAreDecodedWhereverItFalls) {
  // The hex reader used to drop the bytes it had decoded from the same read
  // as the bad character, so what came before it depended on where the
  // 16 KB read boundaries fell.
  std::string hex = sample_hex();
  CliRun r = run(std::string("decode --key ") + kKey + " -", hex + "\nnot hex\n");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(count_lines(r.out), 1u) << r.err;
  EXPECT_NE(r.err.find("line 2, column 1: unexpected 'n' (0x6E)"), std::string::npos) << r.err;
}

TEST(CliDecode, PastedDumpsDecodeLikeTheHexText) {
  const std::string dir = std::string(P1_TESTDATA_DIR) + "/";
  CliRun plain = run(std::string("decode --key ") + kKey + " " + dir + "evn-sample.hex");
  ASSERT_EQ(plain.status, 0) << plain.err;
  for (const char* dump : {"dumps/evn-sample.hexdump", "dumps/evn-sample.xxd", "dumps/evn-sample.xxd-i"}) {
    CliRun r = run(std::string("decode --key ") + kKey + " " + dir + dump);
    EXPECT_EQ(r.status, 0) << dump << ": " << r.err;
    EXPECT_EQ(r.out, plain.out) << dump;
    EXPECT_TRUE(r.err.empty()) << r.err;
  }
  // From stdin, as pasted into a terminal.
  CliRun pasted = run(std::string("decode --key ") + kKey + " -", p1test::read_file(dir + "dumps/evn-sample.xxd"));
  EXPECT_EQ(pasted.out, plain.out) << pasted.err;
}

TEST(CliDecode, TextThatIsNoDumpNamesLineColumnAndCharacter) {
  std::string dump = p1test::read_file(std::string(P1_TESTDATA_DIR) + "/dumps/evn-sample.xxd");
  // Line 4 of the xxd dump, its sixth byte group mistyped.
  size_t line4 = 0;
  for (int i = 0; i < 3; ++i) line4 = dump.find('\n', line4) + 1;
  dump[line4 + 10 + 5 * 5 + 1] = 'g';
  CliRun r = run(std::string("decode --key ") + kKey + " -", dump);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("p1bridge decode: input is not hex text: line 4, column 37: unexpected 'g' (0x67) where a hex "
                       "digit belongs"),
            std::string::npos)
      << r.err;
}

// `p1bridge run` accepts a weak web key typed by hand but says so (--check
// goes through the same start-up).
TEST(CliRun, AWeakWebKeyIsWarnedAboutNotRefused) {
  std::string base = std::string("run --port /dev/null --key ") + kKey + " --check --web-key ";
  CliRun weak = run(base + "abcd1234");
  EXPECT_EQ(weak.status, 0) << weak.err;
  EXPECT_NE(weak.err.find("the web key is weak"), std::string::npos) << weak.err;
  EXPECT_EQ(weak.err.find("abcd1234"), std::string::npos) << "the key itself is never logged";
  CliRun strong = run(base + "'correct horse battery staple'");
  EXPECT_EQ(strong.status, 0) << strong.err;
  EXPECT_EQ(strong.err.find("weak"), std::string::npos) << strong.err;
  CliRun off = run(base + "abcd1234 --no-web");
  EXPECT_EQ(off.err.find("weak"), std::string::npos) << "no page, no warning: " << off.err;
}

}  // namespace

namespace {

// Netz Oberoesterreich's AMIS spec sample: decoded without naming a profile;
// with a wrong key the message says the key is wrong.
TEST(CliDecode, AmisSpecSampleAndItsWrongKey) {
  std::string hex = p1test::load_telegram("at-netzooe-siemens-td3511-specsample")["hex"];
  CliRun ok = run("decode --key 00112233445566778899AABBCCDDEEFF -", hex + "\n");
  EXPECT_EQ(ok.status, 0) << ok.err;
  EXPECT_EQ(count_lines(ok.out), 1u);
  EXPECT_NE(ok.out.find("\"timestamp\":\"2014-07-01T08:12:31\",\"w_p\":684544,\"w_n\":129412"), std::string::npos)
      << ok.out;
  CliRun wrong = run("decode --key 00112233445566778899AABBCCDDEEFE -", hex + "\n");
  EXPECT_EQ(wrong.status, 1);
  EXPECT_NE(wrong.err.find("error: telegram 1 (frame 1): security: the key is wrong"), std::string::npos) << wrong.err;
}

}  // namespace

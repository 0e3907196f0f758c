// MQTT over TLS against mosquitto with a certificate made in the test:
// verification by CA, pinning by SHA-256 and SHA-1 fingerprint, and refusal
// of a wrong fingerprint.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <thread>

#include "harness.h"

namespace {

std::string sh(const std::string& command) {
  std::string out_path = p1it::temp_dir("sh") + "/out";
  std::system((command + " > " + out_path + " 2>/dev/null").c_str());
  return p1it::read_text(out_path);
}

std::string fingerprint(const std::string& cert, const char* digest) {
  std::string line = sh(std::string("openssl x509 -in ") + cert + " -noout -fingerprint -" + digest);
  return line.substr(line.find('=') + 1, line.find('\n') - line.find('=') - 1);
}

class Tls : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = p1it::temp_dir("tls");
    std::string d = dir_;
    ASSERT_EQ(std::system(("cd " + d +
                           " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key"
                           " -out ca.crt -days 2 -subj /CN=p1it-ca 2>/dev/null"
                           " && openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key"
                           " -out server.csr -subj /CN=127.0.0.1 2>/dev/null"
                           " && printf 'subjectAltName=IP:127.0.0.1\\n' > san.ext"
                           " && openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial"
                           " -out server.crt -days 2 -extfile san.ext 2>/dev/null")
                              .c_str()),
              0);
    // A capture of the EVN sample as raw bytes: the file source replays it.
    std::string hex = p1it::read_text(std::string(P1_TESTDATA_DIR) + "/evn-sample.hex");
    std::ofstream capture(d + "/capture.bin", std::ios::binary);
    for (size_t i = 0; i + 1 < hex.size(); i += 2) {
      if (!std::isxdigit(static_cast<unsigned char>(hex[i]))) {
        --i;
        continue;
      }
      capture.put(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    }
    broker_ = std::make_unique<p1it::Broker>(d);
    broker_->use_tls(d + "/server.crt", d + "/server.key");
    ASSERT_TRUE(broker_->start());
  }

  // Runs p1bridge on the capture with extra TLS flags; returns its log.
  std::string run_bridge(std::vector<std::string> tls_flags, int* status, int wait_ms) {
    std::vector<std::string> argv = {p1it::p1bridge_bin(), "run", "--port", "file:" + dir_ + "/capture.bin", "--key",
                                     "36C66639E48A8CA4D6BC8B282A793BBB", "--mqtt-port", std::to_string(broker_->port()),
                                     "--queue-dir", dir_ + "/queue-" + std::to_string(runs_++), "--no-discovery"};
    argv.insert(argv.end(), tls_flags.begin(), tls_flags.end());
    p1it::Process bridge;
    std::string log = dir_ + "/bridge-" + std::to_string(runs_) + ".log";
    EXPECT_TRUE(bridge.start(argv, log));
    *status = bridge.wait(wait_ms);
    if (*status == -1) *status = 100 + bridge.stop();
    return p1it::read_text(log);
  }

  std::string dir_;
  std::unique_ptr<p1it::Broker> broker_;
  int runs_ = 0;
};

TEST_F(Tls, CaVerifiedConnectionDelivers) {
  int status = 0;
  std::string log = run_bridge({"--ca-file", dir_ + "/ca.crt"}, &status, 15000);
  EXPECT_EQ(status, 0) << log;
  EXPECT_NE(log.find("TLS, broker verified against CA"), std::string::npos) << log;
  EXPECT_NE(log.find("connected to"), std::string::npos) << log;
}

TEST_F(Tls, PinnedSha256AndSha1FingerprintsConnect) {
  for (const char* digest : {"sha256", "sha1"}) {
    int status = 0;
    std::string log = run_bridge({"--fingerprint", fingerprint(dir_ + "/server.crt", digest)}, &status, 15000);
    EXPECT_EQ(status, 0) << digest << "\n" << log;
    EXPECT_NE(log.find("certificate pinned"), std::string::npos) << log;
    EXPECT_NE(log.find("connected to"), std::string::npos) << log;
  }
}

TEST_F(Tls, WrongFingerprintIsRefused) {
  std::string right = fingerprint(dir_ + "/server.crt", "sha256");
  std::string wrong = right;
  wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
  int status = 0;
  std::string log = run_bridge({"--fingerprint", wrong}, &status, 4000);
  EXPECT_EQ(status, 100 + 0) << "still running (not delivered), stopped cleanly\n" << log;
  EXPECT_NE(log.find("does not match the configured one: connection refused"), std::string::npos) << log;
  EXPECT_EQ(log.find("mqtt: connected to"), std::string::npos) << log;
  EXPECT_NE(log.find("1 messages stay queued"), std::string::npos) << log;
}

TEST_F(Tls, PlainClientCannotTalkToTlsBroker) {
  int status = 0;
  std::string log = run_bridge({}, &status, 3000);
  EXPECT_NE(log.find("plain MQTT without TLS"), std::string::npos) << log;
  EXPECT_EQ(log.find("mqtt: connected to"), std::string::npos) << log;
}

}  // namespace

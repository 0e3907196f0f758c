// The web server answers on httplib's worker threads: many Saves and reads at
// the same moment must leave a config file that is whole and holds one of
// the saved values (never a mix, never a lost file), and every call answers.
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "config.h"
#include "harness.h"
#include "config_keys.h"
#include "linux_platform.h"
#include "p1/base/hex.h"
#include "p1/crypto/web_crypto.h"
#include "p1/device/web/secure_exchange.h"
#include "web_server.h"
#include "support/fakes.h"

namespace {


std::vector<uint8_t> bytes(const std::string& h) {
  std::vector<uint8_t> out(h.size() / 2);
  p1::parse_hex_exact(p1::Span<const char>(h.data(), h.size()), p1::MutableByteSpan(out.data(), out.size()));
  return out;
}

// One sealed call as the page makes it; the decrypted answer, or "" on failure.
std::string call_once(int port, const std::string& passkey, const std::string& request, bool& stale_nonce) {
  stale_nonce = false;
  httplib::Client client("127.0.0.1", port);
  auto nonce_reply = client.Get("/api/nonce");
  if (!nonce_reply || nonce_reply->status != 200) return "";
  nlohmann::json nonce_json = nlohmann::json::parse(nonce_reply->body);
  std::string nonce_hex = nonce_json["nonce"];
  std::vector<uint8_t> nonce = bytes(nonce_hex);
  std::vector<uint8_t> kdf_salt = bytes(nonce_json["kdf_salt"]);  // the server's PBKDF2 salt
  p1d::LinuxRandom random;
  p1::BearSslWebCrypto crypto;
  p1::PasskeyBox box(crypto, random);
  box.set_passkey(p1::Span<const char>(passkey.data(), passkey.size()), kdf_salt.data());
  std::vector<uint8_t> data(request.begin(), request.end());
  uint8_t salt[p1::kSaltSize], iv[p1::WebCrypto::kIvSize], tag[p1::WebCrypto::kTagSize];
  box.seal(p1::ByteSpan(nonce.data(), nonce.size()), p1::MutableByteSpan(data.data(), data.size()), salt, iv, tag);
  std::string body = "{\"nonce\":\"" + nonce_hex + "\",\"salt\":\"" + p1test::hex_of(salt, sizeof salt) + "\",\"iv\":\"" +
                     p1test::hex_of(iv, sizeof iv) + "\",\"data\":\"" + p1test::hex_of(data.data(), data.size()) + "\",\"tag\":\"" +
                     p1test::hex_of(tag, sizeof tag) + "\"}";
  auto reply = client.Post("/api/call", body, "application/json");
  if (reply && reply->status == 403 && reply->body.find("expired or reused request") != std::string::npos) {
    stale_nonce = true;
  }
  if (!reply || reply->status != 200) return "";
  nlohmann::json sealed = nlohmann::json::parse(reply->body);
  std::vector<uint8_t> s = bytes(sealed["salt"]), i = bytes(sealed["iv"]), d = bytes(sealed["data"]),
                       t = bytes(sealed["tag"]);
  if (!box.open(s.data(), i.data(), p1::ByteSpan(nonce.data(), nonce.size()), p1::MutableByteSpan(d.data(), d.size()),
                t.data())) {
    return "";
  }
  return std::string(d.begin(), d.end());
}

// The server remembers the last 32 used nonces and refuses every nonce issued
// before the one it forgets (secure_exchange.h: memory stays bounded, nothing
// can be replayed). Eight threads racing on a loaded machine can outrun that
// window between fetching a nonce and using it; a client then fetches a new
// one, as it would after any expired nonce. Every other failure counts.
std::string call(int port, const std::string& passkey, const std::string& request) {
  for (int attempt = 0; attempt < 4; ++attempt) {
    bool stale_nonce = false;
    std::string answer = call_once(port, passkey, request, stale_nonce);
    if (!stale_nonce) return answer;
  }
  return "";
}

TEST(WebServer, ConcurrentSavesAndReadsLeaveOneWholeConfig) {
  char tmpl[] = "/tmp/p1webXXXXXX";
  std::string dir = mkdtemp(tmpl);
  std::string path = dir + "/p1bridge.toml";
  int port = p1it::free_port();
  std::ofstream(path) << "[web]\nbind = \"127.0.0.1\"\nport = " << port
                      << "\nkey = \"concurrency-test-key\"\n[[meter]]\nname = \"m\"\nsource = \"/dev/ttyUSB0\"\n";
  p1d::Config config;
  ASSERT_EQ(p1d::load_config_file(path, config), "");
  p1d::WebState state;
  state.resize(1);
  p1d::WebServer server(config, path, state);
  ASSERT_EQ(server.start(), "");
  std::atomic<int> answered{0};
  std::vector<std::thread> threads;
  for (int n = 0; n < 8; ++n) {
    threads.emplace_back([&, n] {
      for (int k = 0; k < 5; ++k) {
        std::string base = "home/meter" + std::to_string(n) + "x" + std::to_string(k);
        std::string saved = call(port, "concurrency-test-key",
                                 "{\"op\":\"save\",\"settings\":{\"mqtt_base\":\"" + base + "\"}}");
        std::string shown = call(port, "concurrency-test-key", "{\"op\":\"settings\"}");
        if (saved.find("\"saved\":true") != std::string::npos && shown.find("\"fields\"") != std::string::npos) {
          ++answered;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  server.stop();
  EXPECT_EQ(answered.load(), 40) << "every call answers, sealed";
  p1d::Config after;
  ASSERT_EQ(p1d::load_config_file(path, after), "") << "the file is whole";
  ASSERT_EQ(after.meters.size(), 1u);
  EXPECT_EQ(after.meters[0].base.rfind("home/meter", 0), 0u) << after.meters[0].base;
  EXPECT_EQ(after.web.key, "concurrency-test-key");
  std::system(("rm -rf " + dir).c_str());
}

}  // namespace

// libFuzzer target for the web page's API (core/p1/device/web/): the
// envelope as it arrives over plain HTTP, and — sealed with the right
// passkey, so the fuzzer reaches it — the request inside (JSON with escapes,
// a Save of arbitrary settings). Invariants: the reply is exactly as long as
// announced, and no secret of the backend's settings is ever in a reply.
//
// Input: mode byte; bit 0: the rest is the request plaintext (sealed here),
// else the raw HTTP body.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "p1/base/hex.h"
#include "p1/crypto/web_crypto.h"
#include "p1/device/web/sealed_calls.h"
#include "support/fakes.h"

namespace {

struct Backend final : p1::WebBackend {
  p1::Settings settings_;
  Backend() {
    settings_.set(p1::SettingId::kMeterKey, "36C66639E48A8CA4D6BC8B282A793BBB");
    settings_.set(p1::SettingId::kMqttPassword, "fuzz-secret-pw");
  }
  void write_values(p1::TextBuffer& out) override { out.put("{\"meters\":[]}"); }
  const p1::Settings& settings() override { return settings_; }
  bool is_device() const override { return true; }
  const char* save(const p1::Settings&, const p1::Settings&) override { return nullptr; }
  void request_restart() override {}
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  static p1test::CountingRandom random(7);
  static p1::BearSslWebCrypto crypto;
  static const char kPasskey[] = "fuzzing-passkey";
  Backend backend;
  p1::SealedCalls calls(crypto, random, backend);
  calls.set_passkey(p1::Span<const char>(kPasskey, sizeof kPasskey - 1));
  p1test::ReplyCapture nonce_reply;
  calls.nonce(1);
  calls.send(nonce_reply);
  // {"nonce":"<32 hex>","kdf_salt":"<32 hex>"}: the page stretches the passkey with that salt.
  uint8_t kdf_salt[p1::kKdfSaltSize];
  p1::parse_hex_exact(p1::Span<const char>(nonce_reply.text.data() + 56, 32), p1::MutableByteSpan(kdf_salt, sizeof kdf_salt));
  std::string body;
  if (data[0] & 1) {
    // A well-sealed request around the fuzzer's plaintext.
    std::string nonce_hex = nonce_reply.text.substr(10, 32);
    uint8_t nonce[p1::kNonceSize];
    p1::parse_hex_exact(p1::Span<const char>(nonce_hex.data(), 32), p1::MutableByteSpan(nonce, sizeof nonce));
    std::string plain(reinterpret_cast<const char*>(data + 1), size - 1);
    p1::PasskeyBox box(crypto, random);
    box.set_passkey(p1::Span<const char>(kPasskey, sizeof kPasskey - 1), kdf_salt);
    uint8_t salt[p1::kSaltSize], iv[p1::WebCrypto::kIvSize], tag[p1::WebCrypto::kTagSize];
    box.seal(p1::ByteSpan(nonce, sizeof nonce), p1::MutableByteSpan(reinterpret_cast<uint8_t*>(&plain[0]), plain.size()),
             salt, iv, tag);
    body = "{\"nonce\":\"" + nonce_hex + "\",\"salt\":\"" + p1test::hex_of(salt, sizeof salt) + "\",\"iv\":\"" + p1test::hex_of(iv, sizeof iv) +
           "\",\"data\":\"" + p1test::hex_of(reinterpret_cast<const uint8_t*>(plain.data()), plain.size()) + "\",\"tag\":\"" +
           p1test::hex_of(tag, sizeof tag) + "\"}";
  } else {
    body.assign(reinterpret_cast<const char*>(data + 1), size - 1);
  }
  static uint8_t scratch[3584];
  p1::Settings updated;
  auto reply = calls.call(1, 2, p1::CharSpan(&body[0], body.size()), p1::MutableByteSpan(scratch, sizeof scratch), updated);
  p1test::ReplyCapture out;
  calls.send(out);
  if (out.text.size() != reply.length) __builtin_trap();
  // Sealed replies are hex: a secret could only show in an error text.
  if (out.text.find("fuzz-secret-pw") != std::string::npos) __builtin_trap();
  if (reply.status == 200) {
    // The answer is sealed in place in `scratch`; open it again with the
    // passkey and look inside: no secret in any answer.
    std::string sealed = out.text;
    size_t at = sealed.find("\"data\":\"") + 8;
    std::string data_hex = sealed.substr(at, sealed.find('"', at) - at);
    auto field = [&](const char* key, uint8_t* o, size_t n) {
      size_t p = sealed.find(key) + std::strlen(key);
      p1::parse_hex_exact(p1::Span<const char>(sealed.data() + p, 2 * n), p1::MutableByteSpan(o, n));
    };
    uint8_t salt[p1::kSaltSize], iv[p1::WebCrypto::kIvSize], tag[p1::WebCrypto::kTagSize];
    field("\"salt\":\"", salt, sizeof salt);
    field("\"iv\":\"", iv, sizeof iv);
    field("\"tag\":\"", tag, sizeof tag);
    std::vector<uint8_t> plain(data_hex.size() / 2);
    p1::parse_hex_exact(p1::Span<const char>(data_hex.data(), data_hex.size()),
                        p1::MutableByteSpan(plain.data(), plain.size()));
    std::string nonce_hex = nonce_reply.text.substr(10, 32);
    uint8_t request_nonce[p1::kNonceSize];
    p1::parse_hex_exact(p1::Span<const char>(nonce_hex.data(), 32), p1::MutableByteSpan(request_nonce, 16));
    p1::PasskeyBox box(crypto, random);
    box.set_passkey(p1::Span<const char>(kPasskey, sizeof kPasskey - 1), kdf_salt);
    if (!box.open(salt, iv, p1::ByteSpan(request_nonce, 16), p1::MutableByteSpan(plain.data(), plain.size()), tag)) {
      __builtin_trap();  // a reply the page cannot open
    }
    // A Save's answer names the fields it refused, as the request spelled
    // them (so it may repeat what the request carried); every other answer
    // is built from the server's state alone and must hold no secret.
    std::string text(plain.begin(), plain.end());
    if (text.find("\"errors\"") == std::string::npos) {
      for (const char* secret : {"fuzz-secret-pw", "36C66639E48A8CA4D6BC8B282A793BBB"}) {
        if (text.find(secret) != std::string::npos) __builtin_trap();
      }
    }
  }
  return 0;
}

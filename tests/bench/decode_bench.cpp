// Decoding one EVN telegram from wire bytes to JSON, per crypto backend, and
// the stages on their own. Wall time varies between machines; the stable
// figure is instructions under callgrind (docs/performance.md).
#include <benchmark/benchmark.h>

#include "p1/crypto/aes_gcm_bearssl.h"
#include "p1/crypto/aes_gcm_mbedtls.h"
#include "p1/crypto/web_crypto.h"
#include "p1/device/web/secure_exchange.h"
#include "p1/base/hex.h"
#include "p1/dlms/data_notification.h"
#include "p1/output/output_format.h"
#include "support/testdata.h"

namespace {

std::vector<uint8_t> evn_wire() {
  return p1enc::from_hex(p1test::load_telegram("at-netznoe-kaifa-ma309-docsample")["hex"]);
}
const char* kKey = "36C66639E48A8CA4D6BC8B282A793BBB";

template <typename Backend>
void BM_WireToJson(benchmark::State& state) {
  auto wire = evn_wire();
  Backend gcm;
  p1::MeterStream stream(&gcm);
  p1::Aes128Key key;
  p1::Aes128Key::parse(p1::Span<const char>(kKey, 32), key);
  stream.decoder().set_key(key);
  char json[4096];
  size_t total = 0;
  for (auto _ : state) {
    p1::ByteSpan in(wire.data(), wire.size());
    while (p1::StreamEvent event = stream.push(in)) {
      if (event.kind == p1::StreamEvent::Kind::kReading) {
        total += *p1::format_json(stream.reading(), p1::CharSpan(json, sizeof json));
      }
    }
  }
  benchmark::DoNotOptimize(total);
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(gcm.name());
}
BENCHMARK_TEMPLATE(BM_WireToJson, p1::BearSslAesGcm);
BENCHMARK_TEMPLATE(BM_WireToJson, p1::MbedTlsAesGcm);

// Netz Oberoesterreich's AMIS telegram (one a second per meter): wire bytes
// through the acknowledger, AES-CBC and the EN 13757-3 records to JSON. The
// same telegram again and again: replays are decoded, not refused, here.
template <typename Backend>
void BM_AmisWireToJson(benchmark::State& state) {
  auto wire = p1enc::from_hex(p1test::load_telegram("at-netzooe-siemens-td3511-specsample")["hex"]);
  Backend gcm;
  p1::MeterStream stream(&gcm);
  p1::Aes128Key key;
  p1::Aes128Key::parse(p1::Span<const char>("00112233445566778899AABBCCDDEEFF", 32), key);
  stream.decoder().set_key(key);
  stream.decoder().set_reject_replays(false);
  stream.set_acknowledge(true);
  char json[4096];
  size_t total = 0;
  for (auto _ : state) {
    p1::ByteSpan in(wire.data(), wire.size());
    while (p1::StreamEvent event = stream.push(in)) {
      if (event.kind == p1::StreamEvent::Kind::kReading) {
        total += *p1::format_json(stream.reading(), p1::CharSpan(json, sizeof json));
      }
    }
    total += stream.take_reply().size();
  }
  benchmark::DoNotOptimize(total);
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(gcm.name());
}
BENCHMARK_TEMPLATE(BM_AmisWireToJson, p1::BearSslAesGcm);
BENCHMARK_TEMPLATE(BM_AmisWireToJson, p1::MbedTlsAesGcm);

void BM_HexTextToJson(benchmark::State& state) {
  std::string text = p1test::load_telegram("at-netznoe-kaifa-ma309-docsample")["hex"];
  p1::BearSslAesGcm gcm;
  p1::MeterStream stream(&gcm);
  p1::Aes128Key key;
  p1::Aes128Key::parse(p1::Span<const char>(kKey, 32), key);
  stream.decoder().set_key(key);
  p1::HexTextDecoder hex;
  uint8_t bytes[1024];
  char json[4096];
  for (auto _ : state) {
    auto chunk = hex.decode(p1::Span<const char>(text.data(), text.size()), p1::MutableByteSpan(bytes, sizeof bytes));
    p1::ByteSpan in(bytes, chunk.produced);
    while (p1::StreamEvent event = stream.push(in)) {
      if (event.kind == p1::StreamEvent::Kind::kReading) {
        benchmark::DoNotOptimize(p1::format_json(stream.reading(), p1::CharSpan(json, sizeof json)));
      }
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HexTextToJson);

void BM_NotificationOnly(benchmark::State& state) {
  auto plain = p1enc::from_hex(p1test::load_telegram("at-netznoe-kaifa-ma309-docsample")["plaintext_hex"]);
  p1::Reading reading;
  uint8_t title[8] = {};
  for (auto _ : state) {
    reading.clear();
    benchmark::DoNotOptimize(p1::decode_notification(p1::ByteSpan(plain.data(), plain.size()), title, nullptr, reading));
  }
}
BENCHMARK(BM_NotificationOnly);

void BM_JsonOnly(benchmark::State& state) {
  auto plain = p1enc::from_hex(p1test::load_telegram("at-netznoe-kaifa-ma309-docsample")["plaintext_hex"]);
  p1::Reading reading;
  uint8_t title[8] = {};
  p1::decode_notification(p1::ByteSpan(plain.data(), plain.size()), title, nullptr, reading);
  char json[4096];
  for (auto _ : state) benchmark::DoNotOptimize(p1::format_json(reading, p1::CharSpan(json, sizeof json)));
}
BENCHMARK(BM_JsonOnly);

}  // namespace

// The web passkey's work factor: PBKDF2-HMAC-SHA256 with the iterations the
// server pays once per start and an attacker per guess (docs/security.md).
template <typename Crypto>
void BM_PasskeyPbkdf2(benchmark::State& state) {
  Crypto crypto;
  const char passkey[] = "correct horse battery";
  uint8_t salt[p1::kKdfSaltSize] = {1, 2, 3};
  uint8_t key[32];
  for (auto _ : state) {
    crypto.pbkdf2_sha256(p1::ByteSpan(reinterpret_cast<const uint8_t*>(passkey), sizeof passkey - 1),
                         p1::ByteSpan(salt, sizeof salt), p1::kPasskeyIterations, p1::MutableByteSpan(key, 32));
    benchmark::DoNotOptimize(key);
  }
}
BENCHMARK_TEMPLATE(BM_PasskeyPbkdf2, p1::BearSslWebCrypto)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_PasskeyPbkdf2, p1::MbedTlsWebCrypto)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();

// Decoding one EVN telegram from wire bytes to JSON, per crypto backend, and
// the stages on their own. Wall time varies between machines; the stable
// figure is instructions under callgrind (docs/performance.md).
#include <benchmark/benchmark.h>

#include "p1/crypto/aes_gcm_bearssl.h"
#include "p1/crypto/aes_gcm_mbedtls.h"
#include "p1/crypto/web_crypto.h"
#include "p1/device/web/secure_exchange.h"
#include "p1/base/hex.h"
#include "p1/demand/quarter_hour.h"
#include "p1/dlms/data_notification.h"
#include "p1/output/demand_json.h"
#include "p1/output/output_format.h"
#include "p1/output/shelly_rpc.h"
#include "p1/output/sunspec_meter.h"
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

// What an inverter or battery is served, per reading (SunSpec image) and per
// request (Shelly UDP: parse, answer, frame).
p1::Reading evn_reading() {
  static auto plain = p1enc::from_hex(p1test::load_telegram("at-netznoe-kaifa-ma309-docsample")["plaintext_hex"]);
  p1::Reading reading;
  uint8_t title[8] = {};
  p1::decode_notification(p1::ByteSpan(plain.data(), plain.size()), title, nullptr, reading);
  return reading;
}

void BM_SunSpecImage(benchmark::State& state) {
  p1::Reading reading = evn_reading();
  uint16_t registers[p1::kSunSpecRegisterCount];
  for (auto _ : state) {
    p1::GridValues grid(reading);
    benchmark::DoNotOptimize(p1::build_sunspec_meter(grid, p1::SunSpecIdentity(), p1::Span<uint16_t>(registers)));
  }
}
BENCHMARK(BM_SunSpecImage);

void BM_ShellyUdpRequest(benchmark::State& state) {
  p1::GridValues grid(evn_reading());
  const char request[] = "{\"id\":1,\"src\":\"cli\",\"method\":\"EM.GetStatus\",\"params\":{\"id\":0}}";
  char answer[2048], reply[2304];
  for (auto _ : state) {
    p1::ShellyRpcRequest rpc;
    p1::parse_shelly_rpc(p1::Span<const char>(request, sizeof request - 1), rpc);
    p1::ShellyAnswer a = p1::shelly_answer(rpc.method, p1::Span<const char>(rpc.method_name, rpc.method_length),
                                           rpc.component, &grid, p1::ShellyIdentity(), p1::CharSpan(answer, sizeof answer));
    benchmark::DoNotOptimize(p1::shelly_rpc_reply(rpc, "shellypro3em-0", a, p1::Span<const char>(answer, a.length),
                                                  p1::CharSpan(reply, sizeof reply)));
  }
}
BENCHMARK(BM_ShellyUdpRequest);

// The quarter-hour demand per reading: the sample taken from the decoded
// reading, fed to the state machine (a boundary every 180 readings), and the
// <base>/demand payload.
void BM_DemandPerReading(benchmark::State& state) {
  p1::Reading reading = evn_reading();
  p1::QuarterHourDemand demand;
  char json[2048];
  int64_t n = 0;
  for (auto _ : state) {
    p1::DemandSample s;
    p1::demand_sample(reading, s);
    s.time.seconds += 5 * n;
    s.import_mwh += 5000 * n++;
    benchmark::DoNotOptimize(demand.feed(s));
    benchmark::DoNotOptimize(p1::format_demand_json(demand, p1::CharSpan(json, sizeof json)));
  }
}
BENCHMARK(BM_DemandPerReading);

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

// Proves the decode path (bytes in -> JSON, SunSpec registers, Shelly answers out) allocates nothing: every
// malloc/calloc/realloc (and so every operator new) of the process is counted
// while telegrams of every supported kind, good and broken, are decoded.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "p1/crypto/aes_gcm_bearssl.h"
#include "p1/crypto/aes_gcm_mbedtls.h"
#include "p1/output/output_format.h"
#include "p1/output/shelly_rpc.h"
#include "p1/output/sunspec_meter.h"
#include "support/evn_fixture.h"

extern "C" {
void* __libc_malloc(size_t size);
void* __libc_calloc(size_t count, size_t size);
void* __libc_realloc(void* ptr, size_t size);
void __libc_free(void* ptr);
}

namespace {
volatile bool g_counting = false;
volatile long g_allocations = 0;
void count() {
  if (g_counting) g_allocations = g_allocations + 1;
}
}  // namespace

extern "C" void* malloc(size_t size) {
  count();
  return __libc_malloc(size);
}
extern "C" void* calloc(size_t count_, size_t size) {
  count();
  return __libc_calloc(count_, size);
}
extern "C" void* realloc(void* ptr, size_t size) {
  count();
  return __libc_realloc(ptr, size);
}
extern "C" void free(void* ptr) { __libc_free(ptr); }

namespace {

template <typename Backend>
long allocations_while_decoding(const std::vector<uint8_t>& wire, bool auth, size_t chunk, size_t* readings) {
  Backend gcm;
  p1::MeterStream stream(&gcm);
  stream.decoder().set_key(p1::Aes128Key(p1test::kTestKey));
  if (auth) stream.decoder().set_auth_key(p1::AuthKey(p1test::kTestAuthKey));
  stream.set_acknowledge(true);  // as for an AMIS meter; DLMS meters are never answered
  static char json[8192];
  *readings = 0;
  g_allocations = 0;
  g_counting = true;
  for (size_t i = 0; i < wire.size(); i += chunk) {
    p1::ByteSpan in(wire.data() + i, std::min(chunk, wire.size() - i));
    while (p1::StreamEvent e = stream.push(in)) {
      if (e.kind == p1::StreamEvent::Kind::kReading) {
        auto n = p1::format_json(stream.reading(), p1::CharSpan(json, sizeof json));
        // What an inverter or battery is served from the same reading.
        p1::GridValues grid(stream.reading());
        static uint16_t registers[p1::kSunSpecRegisterCount];
        bool image = p1::build_sunspec_meter(grid, p1::SunSpecIdentity(), p1::Span<uint16_t>(registers));
        static const char kRequest[] = "{\"id\":1,\"src\":\"cli\",\"method\":\"EM.GetStatus\",\"params\":{\"id\":0}}";
        p1::ShellyRpcRequest rpc;
        bool parsed = p1::parse_shelly_rpc(p1::Span<const char>(kRequest, sizeof kRequest - 1), rpc) == p1::ShellyRpcError::kNone;
        static char answer[2048], reply[2304];
        p1::ShellyAnswer a = p1::shelly_answer(rpc.method, p1::Span<const char>(rpc.method_name, rpc.method_length),
                                               rpc.component, &grid, p1::ShellyIdentity(), p1::CharSpan(answer, sizeof answer));
        bool replied = p1::shelly_rpc_reply(rpc, "shellypro3em-0", a, p1::Span<const char>(answer, a.length),
                                            p1::CharSpan(reply, sizeof reply)) ? true : false;
        if (n && image && parsed && a.code == 0 && replied) ++*readings;
      }
    }
    (void)stream.take_reply();
  }
  while (stream.finish()) {
  }
  g_counting = false;
  return g_allocations;
}

}  // namespace

int main() {
  // Build all input before counting starts.
  std::vector<uint8_t> wire;
  for (uint32_t n = 1; n <= 40; ++n) {
    // With an authentication key configured every telegram must be authenticated.
    auto t = p1test::evn_wire(n, n % 2 ? 0x31 : 0x30);
    if (n % 10 == 0) t[60] ^= 0x10;  // checksum errors
    wire.insert(wire.end(), t.begin(), t.end());
    if (n % 7 == 0) wire.insert(wire.end(), {0x68, 0x11, 0x00, 0xE5});  // garbage
    if (n % 13 == 0) {
      auto wrong = p1enc::cipher(p1enc::evn_notification(p1test::evn_values(n)), p1test::cipher_params(n, 0x30));
      wrong[30] ^= 1;  // tag mismatch
      auto framed = p1enc::mbus_frames(wrong);
      wire.insert(wire.end(), framed.begin(), framed.end());
    }
  }
  // Netz Oberoesterreich's AMIS: a search, then EN 13757-3 frames (OMS mode
  // 5), each acknowledged, with the echo of an IR head between them.
  std::vector<uint8_t> amis = p1enc::mbus_snd_nke();
  for (uint32_t n = 1; n <= 40; ++n) {
    p1enc::AmisValues v;
    v.time.year = 2024;
    v.time.month = 5;
    v.time.day = 1;
    v.time.minute = static_cast<uint8_t>(n / 60);
    v.time.second = static_cast<uint8_t>(n % 60);
    v.energy_import_wh = 1000 + n;
    p1enc::OmsParams p;
    std::copy(p1test::kTestKey, p1test::kTestKey + 16, p.key);
    p.access_number = static_cast<uint8_t>(n);
    auto t = p1enc::oms_frame(p1enc::amis_records(v), p);
    if (n % 10 == 0) t[40] ^= 0x10;  // checksum errors
    amis.insert(amis.end(), t.begin(), t.end());
    amis.push_back(0xE5);
  }
  int failures = 0;
  for (size_t chunk : {size_t(1), size_t(64), amis.size()}) {
    size_t readings = 0;
    long a = allocations_while_decoding<p1::BearSslAesGcm>(amis, false, chunk, &readings);
    std::printf("amis bearssl chunk %zu: %zu readings, %ld allocations\n", chunk, readings, a);
    if (a != 0 || readings < 36) ++failures;
    a = allocations_while_decoding<p1::MbedTlsAesGcm>(amis, false, chunk, &readings);
    std::printf("amis mbedtls chunk %zu: %zu readings, %ld allocations\n", chunk, readings, a);
    if (a != 0 || readings < 36) ++failures;
  }
  for (size_t chunk : {size_t(1), size_t(64), wire.size()}) {
    size_t readings = 0;
    long a = allocations_while_decoding<p1::BearSslAesGcm>(wire, true, chunk, &readings);
    std::printf("bearssl chunk %zu: %zu readings, %ld allocations\n", chunk, readings, a);
    if (a != 0 || readings < 30) ++failures;
    a = allocations_while_decoding<p1::MbedTlsAesGcm>(wire, true, chunk, &readings);
    std::printf("mbedtls chunk %zu: %zu readings, %ld allocations\n", chunk, readings, a);
    if (a != 0 || readings < 30) ++failures;
  }
  // The counter itself must work, or the test above proves nothing.
  g_allocations = 0;
  g_counting = true;
  void* p = std::malloc(16);
  g_counting = false;
  std::free(p);
  if (g_allocations != 1) {
    std::printf("allocation counter is not active\n");
    ++failures;
  }
  std::printf(failures == 0 ? "PASS\n" : "FAIL\n");
  return failures == 0 ? 0 : 1;
}

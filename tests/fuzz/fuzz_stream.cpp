// libFuzzer target for everything that parses untrusted bytes: the stream
// reader (frame sync, checksums, reassembly), the ciphering header, the
// decryption with and without tag, A-XDR, the body layouts and the output
// formatters. Built with ASan and UBSan (see scripts/test.sh).
//
// One oracle for the chunking: the same bytes fed whole, byte at a time and
// in random chunks (sizes derived from the input) must give the same
// sequence of events, the same readings and the same counters, whatever the
// framing. And the security policy must hold for every reading: with an
// authentication key its tag was checked, with a key it was encrypted, and
// frame counters only go up (unless the event says the meter restarted).
// Any difference is a crash (__builtin_trap).
//
// Input: one mode byte, then the bytes on the wire.
//   bits 0-2: key (the keys of the telegrams in testdata/, so the seed corpus
//             reaches the decrypted A-XDR / DSMR paths)
//   bit 3:    configure the authentication key (the E450's)
//   bit 4:    allow plaintext although a key is configured
//   bit 5:    decode the rest directly as an APDU (no framing)
//   bit 6:    no key at all (a meter that sends in the clear)
//   bit 7:    offline capture: repeated frame counters are decoded
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "p1/crypto/aes_gcm_bearssl.h"
#include "p1/output/output_format.h"
#include "p1/pipeline/meter_stream.h"

namespace {

// EVN, TINETZ, E450, Steiermark, Wiener Netze, Kärnten, all-zero, DLMS default.
const uint8_t kKeys[8][16] = {
    {0x36, 0xC6, 0x66, 0x39, 0xE4, 0x8A, 0x8C, 0xA4, 0xD6, 0xBC, 0x8B, 0x28, 0x2A, 0x79, 0x3B, 0xBB},
    {0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F},
    {0x5C, 0x31, 0x61, 0x62, 0x20, 0x9E, 0xBB, 0x79, 0x0B, 0x52, 0xEB, 0x0E, 0x7F, 0xC5, 0xB1, 0x1C},
    {0x95, 0x3E, 0x7F, 0x17, 0x25, 0xEA, 0x91, 0x0F, 0x26, 0xE0, 0x53, 0x81, 0x3A, 0x63, 0x90, 0x94},
    {0x92, 0x7C, 0xE4, 0xEC, 0xA6, 0x2F, 0xE2, 0x3E, 0x19, 0x40, 0x6C, 0x5E, 0xE4, 0x52, 0x28, 0x5E},
    {0x62, 0xF9, 0x44, 0x5B, 0x06, 0x9B, 0xA8, 0x66, 0x06, 0x8B, 0x80, 0x36, 0xF2, 0x61, 0x20, 0x30},
    {},
    {0xC0, 0xC1, 0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xCB, 0xCC, 0xCD, 0xCE, 0xCF},
};
const uint8_t kAuthKey[16] = {0x92, 0x70, 0x5C, 0x5C, 0x97, 0x28, 0x60, 0x64,
                              0xEA, 0xBA, 0xE3, 0x8D, 0x19, 0x0F, 0x87, 0xA4};

struct Mode {
  uint8_t bits;
  bool auth_key() const { return (bits & 8) != 0; }
  bool allow_plaintext() const { return (bits & 16) != 0; }
  bool direct() const { return (bits & 32) != 0; }
  bool key() const { return (bits & 64) == 0; }
  bool reject_replays() const { return (bits & 128) == 0; }
};

void configure(p1::TelegramDecoder& decoder, Mode mode) {
  if (mode.key()) decoder.set_key(p1::Aes128Key(kKeys[mode.bits & 7]));
  if (mode.auth_key()) decoder.set_auth_key(p1::AuthKey(kAuthKey));
  decoder.set_allow_plaintext(mode.allow_plaintext());
  decoder.set_reject_replays(mode.reject_replays());
}

uint64_t fnv(const void* data, size_t n, uint64_t h = 1469598103934665603ULL) {
  const auto* p = static_cast<const uint8_t*>(data);
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ULL;
  return h;
}

// Formats the reading every way (exercising the formatters) and hashes the
// result, so two feedings can be compared without keeping the text.
uint64_t format_all(const p1::Reading& reading) {
  char buffer[4096];
  uint64_t h = fnv(&reading.count, sizeof reading.count);
  if (auto n = p1::format_json(reading, p1::CharSpan(buffer, sizeof buffer))) h = fnv(buffer, *n, h);
  (void)p1::format_json(reading, p1::CharSpan(buffer, 100));  // overflow path
  if (auto n = p1::format_raw_hex(reading, p1::CharSpan(buffer, sizeof buffer))) h = fnv(buffer, *n, h);
  p1::TopicValues topics(reading);
  const char* field = nullptr;
  size_t length = 0;
  while (topics.next(field, p1::CharSpan(buffer, 64), length)) h = fnv(buffer, length, h);
  return h;
}

// The policy every published reading obeys.
struct PolicyCheck {
  Mode mode;
  bool has_counter = false;
  uint32_t last_counter = 0;

  void on_reading(const p1::Reading& r, bool restart) {
    bool ciphered = r.security_control != 0;
    if (mode.auth_key() && !r.tag_checked) __builtin_trap();                         // tag stripping
    if (mode.key() && !mode.allow_plaintext() && !ciphered) __builtin_trap();      // plaintext injection
    if (!mode.key() && ciphered) __builtin_trap();                                 // decrypted without a key
    if (ciphered && mode.reject_replays()) {
      if (has_counter && r.frame_counter <= last_counter && !restart) __builtin_trap();  // replay
      if (restart && (!has_counter || r.frame_counter >= last_counter ||
                      r.frame_counter >= p1::TelegramDecoder::kRestartWindow)) {
        __builtin_trap();
      }
      has_counter = true;
      last_counter = r.frame_counter;
    }
  }
};

struct Recorded {
  uint8_t kind;
  uint8_t error;
  bool restart;
  uint32_t frame;
  uint32_t telegram;
  uint64_t reading;
  bool operator!=(const Recorded& o) const {
    return kind != o.kind || error != o.error || restart != o.restart || frame != o.frame || telegram != o.telegram ||
           reading != o.reading;
  }
};

constexpr size_t kMaxEvents = 1 << 14;

struct Run {
  Recorded events[kMaxEvents];
  size_t count = 0;
  bool overflow = false;
  p1::StreamCounters counters;
};

void record(Run& run, p1::MeterStream& stream, const p1::StreamEvent& e, PolicyCheck& policy) {
  Recorded r{static_cast<uint8_t>(e.kind), static_cast<uint8_t>(e.error), e.frame_counter_restart, e.frame, e.telegram,
             0};
  if (e.kind == p1::StreamEvent::Kind::kReading) {
    policy.on_reading(stream.reading(), e.frame_counter_restart);
    r.reading = format_all(stream.reading());
  } else if (e.frame_counter_restart) {
    __builtin_trap();  // a restart is only ever flagged on a reading
  }
  if (run.count == kMaxEvents) {
    run.overflow = true;
    return;
  }
  run.events[run.count++] = r;
}

// Chunk sizes from the input itself, so a crash reproduces from the file.
struct ChunkSizes {
  uint64_t state;
  size_t next() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    uint64_t r = state >> 8;
    switch (r % 4) {
      case 0: return 1 + (r >> 2) % 3;      // tiny
      case 1: return 1 + (r >> 2) % 32;     // inside a frame header
      case 2: return 1 + (r >> 2) % 300;    // about a frame
      default: return 1 + (r >> 2) % 3000;  // several frames
    }
  }
};

// step 0: whole buffer; 1: byte at a time; SIZE_MAX: random chunks.
void feed(Run& run, p1::ByteSpan input, Mode mode, size_t step, uint64_t seed) {
  static p1::BearSslAesGcm gcm;  // same key for every run: sharing it is fine
  p1::MeterStream stream(&gcm);
  configure(stream.decoder(), mode);
  PolicyCheck policy{mode};
  ChunkSizes sizes{seed | 1};
  for (size_t i = 0; i < input.size();) {
    size_t n = step == 0 ? input.size() : step == 1 ? 1 : sizes.next();
    p1::ByteSpan chunk = input.subspan(i, n);
    i += chunk.size();
    while (p1::StreamEvent event = stream.push(chunk)) record(run, stream, event, policy);
    if (!chunk.empty()) __builtin_trap();  // push() returns kNeedMore only with the input used up
  }
  while (p1::StreamEvent event = stream.finish()) record(run, stream, event, policy);
  run.counters = stream.counters();
}

bool same(const Run& a, const Run& b) {
  if (a.overflow || b.overflow) return true;  // too many events to compare: not a finding
  if (a.count != b.count) return false;
  for (size_t i = 0; i < a.count; ++i) {
    if (a.events[i] != b.events[i]) return false;
  }
  return std::memcmp(&a.counters, &b.counters, sizeof a.counters) == 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  Mode mode{data[0]};
  p1::ByteSpan input(data + 1, size - 1);

  if (mode.direct()) {
    static p1::BearSslAesGcm gcm;
    static p1::StreamCounters counters;
    static p1::Reading reading;
    static uint8_t copy[p1::kMaxTelegram];
    p1::TelegramDecoder decoder(&gcm, counters);
    configure(decoder, mode);
    size_t n = input.size() < sizeof copy ? input.size() : sizeof copy;
    std::memcpy(copy, input.data(), n);
    PolicyCheck policy{mode};
    if (decoder.decode(p1::MutableByteSpan(copy, n), reading) == p1::Error::kNone) {
      policy.on_reading(reading, decoder.frame_counter_restarted());
      format_all(reading);
    }
    return 0;
  }

  static Run whole, bytewise, chunked;
  whole.count = bytewise.count = chunked.count = 0;
  whole.overflow = bytewise.overflow = chunked.overflow = false;
  feed(whole, input, mode, 0, 0);
  feed(bytewise, input, mode, 1, 0);
  feed(chunked, input, mode, SIZE_MAX, fnv(data, size));
  if (!same(whole, bytewise) || !same(whole, chunked)) __builtin_trap();
  return 0;
}

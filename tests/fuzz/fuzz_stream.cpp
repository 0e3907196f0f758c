// libFuzzer target for everything that parses untrusted bytes: the stream
// reader (frame sync, checksums, reassembly), the ciphering header, the
// decryption with and without tag, A-XDR, the body layouts and the output
// formatters. Built with ASan and UBSan (see scripts/test.sh).
//
// Input: one mode byte, then the bytes on the wire.
//   bits 0-2: key (the keys of the telegrams in testdata/, so the seed corpus
//             reaches the decrypted A-XDR / DSMR paths)
//   bit 3:    configure the authentication key (the E450's)
//   bit 4:    feed byte at a time instead of all at once
//   bit 5:    decode the rest directly as an APDU (no framing)
#include <cstddef>
#include <cstdint>

#include "p1/crypto/aes_gcm_bearssl.h"
#include "p1/pipeline/meter_stream.h"
#include "p1/output/output_format.h"

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

void format_all(const p1::Reading& reading) {
  char buffer[4096];
  (void)p1::format_json(reading, p1::CharSpan(buffer, sizeof buffer));
  (void)p1::format_json(reading, p1::CharSpan(buffer, 100));  // overflow path
  (void)p1::format_raw_hex(reading, p1::CharSpan(buffer, sizeof buffer));
  p1::TopicValues topics(reading);
  const char* field = nullptr;
  size_t length = 0;
  while (topics.next(field, p1::CharSpan(buffer, 64), length)) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  uint8_t mode = data[0];
  p1::ByteSpan input(data + 1, size - 1);
  static p1::BearSslAesGcm gcm;
  p1::MeterStream stream(&gcm);
  stream.decoder().set_key(p1::Aes128Key(kKeys[mode & 7]));
  if (mode & 8) stream.decoder().set_auth_key(p1::AuthKey(kAuthKey));

  if (mode & 32) {
    static uint8_t copy[p1::kMaxTelegram];
    size_t n = input.size() < sizeof copy ? input.size() : sizeof copy;
    for (size_t i = 0; i < n; ++i) copy[i] = input[i];
    static p1::Reading reading;
    if (stream.decoder().decode(p1::MutableByteSpan(copy, n), reading) == p1::Error::kNone) format_all(reading);
    return 0;
  }

  size_t step = (mode & 16) ? 1 : input.size();
  for (size_t i = 0; i < input.size(); i += step) {
    p1::ByteSpan chunk = input.subspan(i, step);
    while (p1::StreamEvent event = stream.push(chunk)) {
      if (event.kind == p1::StreamEvent::Kind::kReading) format_all(stream.reading());
    }
  }
  while (p1::StreamEvent event = stream.finish()) {
    if (event.kind == p1::StreamEvent::Kind::kReading) format_all(stream.reading());
  }
  return 0;
}

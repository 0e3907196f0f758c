// libFuzzer target: EN 13757-3 frames (CI 0x5B/0x72, OMS mode 5) through the
// whole stream as the Linux program and the firmware run it, acknowledging,
// and the decoder called directly on the bytes as one frame. Invariants: a
// reply is exactly one E5 and only after bytes were pushed; a reading has at
// most kMaxValues values; with the key configured, no reading comes from an
// unencrypted frame.
//
// Input: byte 0 = mode (bit 0: key configured, bit 1: plaintext allowed,
// bits 2-3: chunk size 1 / 7 / 64 / all), the rest the wire bytes.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "p1/crypto/aes_gcm_bearssl.h"
#include "p1/pipeline/meter_stream.h"

namespace {
const uint8_t kKey[16] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                          0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t mode = data[0];
  const bool with_key = mode & 1;
  p1::ByteSpan wire(data + 1, size - 1);
  static p1::BearSslAesGcm gcm;
  p1::MeterStream meter(&gcm);
  p1::MeterStream* stream = &meter;
  if (with_key) stream->decoder().set_key(p1::Aes128Key(kKey));
  stream->decoder().set_allow_plaintext(mode & 2);
  stream->set_acknowledge(true);
  static const size_t kChunks[4] = {1, 7, 64, SIZE_MAX};
  const size_t chunk = kChunks[mode >> 2 & 3];
  for (size_t at = 0; at < wire.size();) {
    size_t n = wire.size() - at < chunk ? wire.size() - at : chunk;
    p1::ByteSpan in = wire.subspan(at, n);
    while (p1::StreamEvent e = stream->push(in)) {
      if (e.kind == p1::StreamEvent::Kind::kReading && stream->reading().count > p1::kMaxValues) __builtin_trap();
    }
    p1::ByteSpan reply = stream->take_reply();
    if (!reply.empty() && (reply.size() != 1 || reply[0] != 0xE5)) __builtin_trap();
    at += n;
  }
  while (stream->finish()) {
  }
  // The decoder alone on the bytes as one frame (C A CI header records).
  std::vector<uint8_t> frame(wire.begin(), wire.end());
  p1::StreamCounters counters;
  p1::TelegramDecoder decoder(&gcm, counters);
  if (with_key) decoder.set_key(p1::Aes128Key(kKey));
  static p1::Reading reading;
  p1::Error e = decoder.decode_oms(p1::MutableByteSpan(frame.data(), frame.size()), reading);
  if (e == p1::Error::kNone && with_key && frame.size() >= 15 && (frame[14] & 0x1F) == 0 && !(mode & 2)) {
    __builtin_trap();  // unencrypted although a key is configured
  }
  if (e != p1::Error::kNone && reading.count != 0 &&
      (e == p1::Error::kReplayedTelegram || e == p1::Error::kNotEncrypted)) {
    __builtin_trap();  // refused telegrams leave nothing to publish
  }
  return 0;
}

// libFuzzer target: every frame parser called directly on arbitrary bytes.
// Every payload it returns (of a good or a damaged frame) lies inside the
// frame it came from: payload.data() >= buffer start and payload end <=
// buffer start + frame length <= bytes given. The same for the ciphering
// header (ciphertext and tag inside the APDU) and General Block Transfer.
//
// Input: the bytes; each parser also sees every start offset within the
// first 16 bytes, and every prefix length is covered by the fuzzer itself.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "p1/dlms/axdr.h"
#include "p1/dlms/cipher_apdu.h"
#include "p1/framing/frame_parsers.h"
#include "p1/framing/general_block_transfer.h"

namespace {

void check_inside(const uint8_t* start, size_t length, p1::ByteSpan part) {
  if (part.empty()) return;
  if (part.data() < start) __builtin_trap();
  if (part.data() + part.size() > start + length) __builtin_trap();
}

void check_frame(const p1::ParsedFrame& f, p1::ByteSpan buffered) {
  switch (f.kind) {
    case p1::ParsedFrame::Kind::kFrame:
      if (f.length == 0 || f.length > buffered.size() || f.length > p1::kMaxFrameBytes) __builtin_trap();
      check_inside(buffered.data(), f.length, f.payload);
      break;
    case p1::ParsedFrame::Kind::kBroken:
      if (f.length == 0 || f.length > buffered.size()) __builtin_trap();
      if (f.error == p1::Error::kNone) __builtin_trap();
      check_inside(buffered.data(), f.length, f.payload);
      break;
    case p1::ParsedFrame::Kind::kNeedMore:
      // Every parser asks for at most kMaxFrameBytes (FrameSync buffers no more).
      if (buffered.size() >= p1::kMaxFrameBytes + 1) __builtin_trap();
      break;
    case p1::ParsedFrame::Kind::kNotAFrame:
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static uint8_t copy[p1::kMaxFrameBytes + 64];
  for (size_t offset = 0; offset < 16 && offset <= size; ++offset) {
    p1::ByteSpan view(data + offset, size - offset);
    if (view.empty()) break;
    check_frame(p1::parse_mbus_frame(view), view);
    check_frame(p1::parse_hdlc_frame(view), view);
    check_frame(p1::parse_bare_apdu(view), view);

    size_t announced = p1::announced_cipher_apdu_size(view);
    (void)announced;
    size_t n = view.size() < sizeof copy ? view.size() : sizeof copy;
    std::memcpy(copy, view.data(), n);
    auto parsed = p1::parse_cipher_apdu(p1::MutableByteSpan(copy, n));
    if (parsed) {
      check_inside(copy, n, parsed->ciphertext);
      check_inside(copy, n, parsed->tag);
      if (parsed->authenticated() && parsed->tag.size() != p1::kGcmTagSize) __builtin_trap();
      // A complete APDU is as long as its header says, at most.
      if (announced == 0 || announced > n) __builtin_trap();
    }

    static p1::GbtAssembler gbt;
    p1::Error error = p1::Error::kNone;
    if (gbt.add(view, error) == p1::GbtAssembler::Status::kComplete) {
      if (gbt.apdu().size() > p1::kMaxTelegram) __builtin_trap();
    }
    if (offset == 0) gbt.reset();

    p1::AxdrReader reader(view);
    (void)reader.skip();
    if (reader.position() > view.size()) __builtin_trap();
    (void)p1::validate_axdr_value(view);
  }
  return 0;
}

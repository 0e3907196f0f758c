// libFuzzer target: the plain hex-text decoder (HexTextDecoder) against a
// one-character-at-a-time reference. Whatever the chunking of the text and
// the size of the output buffer, it must produce the same bytes, stop at the
// same invalid character (offset and character) and agree about a dangling
// half byte. InputFile (what `p1bridge decode` reads through) reads the same
// text from a file (a memfd) in 16 KB reads and must agree with the dump
// reader it uses (daemon/hex_dump_reader, fuzzed on its own by fuzz_hex_dump)
// fed the whole text at once.
//
// Input: one byte choosing the chunking, then the text.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

#include "input_file.h"
#include "p1/base/hex.h"
#include "support/fakes.h"

namespace {

struct Reference {
  uint8_t bytes[1 << 16];
  size_t count = 0;
  bool invalid = false;
  size_t invalid_at = 0;
  bool half = false;
};

void reference(const char* text, size_t n, Reference& r) {
  r.count = 0;
  r.invalid = false;
  r.half = false;
  uint8_t high = 0;
  for (size_t i = 0; i < n; ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (v < 0) {
      if (c == ' ' || (c >= '\t' && c <= '\r')) continue;
      r.invalid = true;
      r.invalid_at = i;
      return;
    }
    if (r.half) {
      r.bytes[r.count++] = static_cast<uint8_t>(high << 4 | v);
      r.half = false;
    } else {
      high = static_cast<uint8_t>(v);
      r.half = true;
    }
  }
}

using Rng = p1test::ChunkRng;

void check_decoder(const char* text, size_t n, const Reference& ref, uint8_t mode) {
  p1::HexTextDecoder hex;
  static uint8_t out[1 << 16];
  size_t produced = 0;
  size_t pos = 0;
  Rng rng{static_cast<uint64_t>(mode) * 0x9E3779B97F4A7C15ULL + n + 1};
  bool invalid = false;
  while (pos < n) {
    size_t in_size = mode == 0 ? n - pos : 1 + rng.below(mode & 1 ? 7 : 300);
    if (in_size > n - pos) in_size = n - pos;
    size_t out_size = mode < 2 ? sizeof out - produced : 1 + rng.below(mode & 2 ? 3 : 64);
    if (out_size > sizeof out - produced) out_size = sizeof out - produced;
    auto chunk = hex.decode(p1::Span<const char>(text + pos, in_size), p1::MutableByteSpan(out + produced, out_size));
    if (chunk.consumed > in_size || chunk.produced > out_size) __builtin_trap();
    pos += chunk.consumed;
    produced += chunk.produced;
    if (hex.position() != pos) __builtin_trap();
    if (chunk.invalid) {
      invalid = true;
      break;
    }
    // No progress is only allowed when the output was full.
    if (chunk.consumed == 0 && chunk.produced < out_size && in_size > 0) __builtin_trap();
  }
  if (invalid != ref.invalid) __builtin_trap();
  if (invalid && pos != ref.invalid_at) __builtin_trap();
  if (produced != ref.count || std::memcmp(out, ref.bytes, produced) != 0) __builtin_trap();
  if (!invalid && hex.has_half_byte() != ref.half) __builtin_trap();
}

// The dump reader over the whole text: what InputFile must give.
struct DumpReference {
  uint8_t bytes[1 << 17];
  size_t count = 0;
  bool failed = false;
  p1d::HexDumpReader::Problem problem;
  bool half = false;
};

void dump_reference(const char* text, size_t n, DumpReference& r) {
  p1d::HexDumpReader reader;
  r.count = 0;
  r.failed = false;
  size_t pos = 0;
  while (pos < n && !r.failed) {
    auto c = reader.decode(p1::Span<const char>(text + pos, n - pos),
                           p1::MutableByteSpan(r.bytes + r.count, sizeof r.bytes - r.count));
    pos += c.consumed;
    r.count += c.produced;
    r.failed = c.failed;
    if (c.consumed == 0 && c.produced == 0) break;
  }
  while (!r.failed) {
    auto c = reader.finish(p1::MutableByteSpan(r.bytes + r.count, sizeof r.bytes - r.count));
    r.count += c.produced;
    r.failed = c.failed;
    if (c.produced == 0 || r.count == sizeof r.bytes) break;
  }
  r.problem = reader.problem();
  r.half = reader.has_half_byte();
}

void check_input_file(const char* text, size_t n) {
  static DumpReference ref;
  dump_reference(text, n, ref);
  if (ref.count == sizeof ref.bytes) return;  // a "*" that stands for more than the reference holds
  int fd = memfd_create("fuzz_hex", 0);
  if (fd < 0) return;
  if (n > 0 && write(fd, text, n) != static_cast<ssize_t>(n)) {
    close(fd);
    return;
  }
  std::string path = "/proc/self/fd/" + std::to_string(fd);
  static p1d::InputFile* file = nullptr;
  delete file;
  file = new p1d::InputFile();
  if (!file->open(path, false).empty()) __builtin_trap();
  size_t produced = 0;
  static uint8_t got[1 << 17];
  for (;;) {
    p1::ByteSpan bytes;
    p1d::InputFile::Status status = file->read(bytes);
    if (status == p1d::InputFile::Status::kData) {
      if (bytes.empty() || produced + bytes.size() > sizeof got) __builtin_trap();
      std::memcpy(got + produced, bytes.data(), bytes.size());
      produced += bytes.size();
      continue;
    }
    if (status == p1d::InputFile::Status::kNotHex) {
      const auto& p = file->problem();
      if (!ref.failed || p.issue != ref.problem.issue || p.line != ref.problem.line ||
          p.column != ref.problem.column || p.character != ref.problem.character) {
        __builtin_trap();
      }
    } else if (status == p1d::InputFile::Status::kEnd) {
      if (ref.failed || file->ended_mid_byte() != ref.half) __builtin_trap();
    } else {
      __builtin_trap();  // no I/O error on a memfd
    }
    break;
  }
  if (produced != ref.count || std::memcmp(got, ref.bytes, produced) != 0) __builtin_trap();
  delete file;
  file = nullptr;
  close(fd);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > (1 << 16)) return 0;
  uint8_t mode = data[0] & 7;
  const char* text = reinterpret_cast<const char*>(data + 1);
  size_t n = size - 1;
  static Reference ref;
  reference(text, n, ref);
  check_decoder(text, n, ref, mode);
  check_decoder(text, n, ref, static_cast<uint8_t>(mode | 4));
  if (data[0] & 8) check_input_file(text, n);

  // Exactly 2*N digits or nothing.
  uint8_t key[16];
  bool exact = p1::parse_hex_exact(p1::Span<const char>(text, n), p1::MutableByteSpan(key, n / 2 <= 16 ? n / 2 : 16));
  if (exact && (n % 2 != 0 || n / 2 > 16 || ref.invalid || ref.count != n / 2)) __builtin_trap();
  if (exact && std::memcmp(key, ref.bytes, n / 2) != 0) __builtin_trap();
  // write_hex round-trips through the decoder.
  char hex_text[2 * 64];
  size_t m = ref.count < 64 ? ref.count : 64;
  if (!p1::write_hex(p1::ByteSpan(ref.bytes, m), p1::CharSpan(hex_text, sizeof hex_text))) __builtin_trap();
  uint8_t back[64];
  if (!p1::parse_hex_exact(p1::Span<const char>(hex_text, 2 * m), p1::MutableByteSpan(back, m))) __builtin_trap();
  if (std::memcmp(back, ref.bytes, m) != 0) __builtin_trap();
  return 0;
}

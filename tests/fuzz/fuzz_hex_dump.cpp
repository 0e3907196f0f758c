// libFuzzer target: the hex text reader of `p1bridge decode`
// (daemon/hex_dump_reader: plain hex, hexdump -C, xxd, 0x dumps).
//   mode 0-3: the input is text. Fed whole into a large buffer, and again in
//             chunks of random sizes into outputs of random sizes, it must
//             give the same bytes and stop at the same problem (line,
//             column, character); a problem's position lies inside the text.
//   mode 4-7: the input is bytes. Printed as hexdump -C (with "*" for
//             repeated lines, as hexdump does), as xxd, as xxd -i and as one
//             0x literal, each must read back to exactly these bytes,
//             whatever their ASCII column shows.
// Input: one mode byte (its high bits seed the chunking), then the data.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

#include "hex_dump_reader.h"
#include "support/fakes.h"

namespace {

using p1d::HexDumpReader;

// A "*" line may stand for any number of bytes; both feedings stop here.
constexpr size_t kCap = 1 << 20;

struct Result {
  std::string bytes;
  bool capped = false;
  bool failed = false;
  HexDumpReader::Problem problem;
};

using Rng = p1test::ChunkRng;

Result read(const std::string& text, Rng* rng) {
  HexDumpReader reader;
  Result r;
  static uint8_t out[1 << 12];
  size_t pos = 0;
  size_t guard = 0;
  while (pos < text.size()) {
    size_t in = rng == nullptr ? text.size() - pos : 1 + rng->below(40);
    if (in > text.size() - pos) in = text.size() - pos;
    size_t out_size = rng == nullptr ? sizeof out : 1 + rng->below(24);
    auto c = reader.decode(p1::Span<const char>(text.data() + pos, in), p1::MutableByteSpan(out, out_size));
    if (c.consumed > in || c.produced > out_size) __builtin_trap();
    r.bytes.append(reinterpret_cast<const char*>(out), c.produced);
    pos += c.consumed;
    if (r.bytes.size() >= kCap) {
      r.bytes.resize(kCap);
      r.capped = true;
      return r;
    }
    if (c.failed) {
      r.failed = true;
      break;
    }
    // Progress: something consumed or produced, or the output was full.
    if (c.consumed == 0 && c.produced < out_size) __builtin_trap();
    if (++guard > 10 * text.size() + 1000000) __builtin_trap();
  }
  while (!r.failed) {
    size_t out_size = rng == nullptr ? sizeof out : 1 + rng->below(24);
    auto c = reader.finish(p1::MutableByteSpan(out, out_size));
    r.bytes.append(reinterpret_cast<const char*>(out), c.produced);
    if (c.failed) r.failed = true;
    if (c.produced == 0) break;
    if (r.bytes.size() >= kCap) {
      r.bytes.resize(kCap);
      r.capped = true;
      return r;
    }
  }
  r.problem = reader.problem();
  if (r.failed) {
    char message[256];
    size_t n = reader.describe(message, sizeof message);
    if (n == 0 || n >= sizeof message) __builtin_trap();
  }
  return r;
}

std::string hexdump_c(const uint8_t* b, size_t n) {
  std::string out;
  if (n == 0) return out;  // hexdump prints nothing, not even the offset
  char line[100];
  bool starred = false;
  for (size_t at = 0; at < n; at += 16) {
    size_t m = n - at < 16 ? n - at : 16;
    if (at >= 16 && m == 16 && std::memcmp(b + at, b + at - 16, 16) == 0) {
      if (!starred) out += "*\n";
      starred = true;
      continue;
    }
    starred = false;
    int k = std::snprintf(line, sizeof line, "%08zx ", at);
    out.append(line, static_cast<size_t>(k));
    for (size_t i = 0; i < 16; ++i) {
      if (i == 8) out += ' ';
      if (i < m) {
        std::snprintf(line, sizeof line, " %02x", b[at + i]);
        out += line;
      } else {
        out += "   ";
      }
    }
    out += "  |";
    for (size_t i = 0; i < m; ++i) out += b[at + i] >= 0x20 && b[at + i] < 0x7F ? static_cast<char>(b[at + i]) : '.';
    out += "|\n";
  }
  char last[20];
  std::snprintf(last, sizeof last, "%08zx\n", n);
  return out + last;
}

std::string xxd(const uint8_t* b, size_t n) {
  std::string out;
  char cell[32];
  for (size_t at = 0; at < n; at += 16) {
    size_t m = n - at < 16 ? n - at : 16;
    std::snprintf(cell, sizeof cell, "%08zx:", at);
    out += cell;
    for (size_t i = 0; i < 16; ++i) {
      if (i % 2 == 0) out += ' ';
      if (i < m) {
        std::snprintf(cell, sizeof cell, "%02x", b[at + i]);
        out += cell;
      } else {
        out += "  ";
      }
    }
    out += "  ";
    for (size_t i = 0; i < m; ++i) out += b[at + i] >= 0x20 && b[at + i] < 0x7F ? static_cast<char>(b[at + i]) : '.';
    out += '\n';
  }
  return out;
}

std::string xxd_i(const uint8_t* b, size_t n) {
  std::string out;
  char cell[16];
  for (size_t i = 0; i < n; ++i) {
    if (i % 12 == 0) out += "  ";
    std::snprintf(cell, sizeof cell, "0x%02x", b[i]);
    out += cell;
    if (i + 1 < n) out += (i % 12 == 11) ? ",\n" : ", ";
  }
  return out + "\n";
}

std::string literal(const uint8_t* b, size_t n) {
  std::string out = n > 0 ? "0X" : "";
  char cell[4];
  for (size_t i = 0; i < n; ++i) {
    std::snprintf(cell, sizeof cell, "%02X", b[i]);
    out += cell;
  }
  return out;
}

void expect_bytes(const std::string& text, const uint8_t* b, size_t n, uint64_t seed) {
  Rng rng{seed | 1};
  for (Rng* r : {static_cast<Rng*>(nullptr), &rng}) {
    Result got = read(text, r);
    if (got.failed || got.bytes.size() != n || std::memcmp(got.bytes.data(), b, n) != 0) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > (1 << 12)) return 0;
  uint8_t mode = data[0];
  const uint8_t* rest = data + 1;
  size_t n = size - 1;
  uint64_t seed = 0x9E3779B97F4A7C15ULL * (mode + 1) + n;
  if ((mode & 4) == 0) {
    std::string text(reinterpret_cast<const char*>(rest), n);
    Result whole = read(text, nullptr);
    Rng rng{seed};
    Result chunked = read(text, &rng);
    if (whole.capped != chunked.capped || whole.bytes != chunked.bytes) __builtin_trap();
    if (whole.capped) return 0;
    if (whole.failed != chunked.failed) __builtin_trap();
    if (whole.failed) {
      const auto& a = whole.problem;
      const auto& b = chunked.problem;
      if (a.issue != b.issue || a.line != b.line || a.column != b.column || a.character != b.character ||
          a.offset != b.offset || a.expected != b.expected) {
        __builtin_trap();
      }
      if (a.line == 0 || a.column == 0 || a.column > n + 2) __builtin_trap();
    }
    return 0;
  }
  expect_bytes(hexdump_c(rest, n), rest, n, seed);
  expect_bytes(xxd(rest, n), rest, n, seed);
  expect_bytes(xxd_i(rest, n), rest, n, seed);
  expect_bytes(literal(rest, n), rest, n, seed);
  return 0;
}

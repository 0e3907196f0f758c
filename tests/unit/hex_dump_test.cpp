// The hex text `p1bridge decode` reads (daemon/hex_dump_reader): plain hex,
// and hexdump -C, xxd, xxd -a, xxd -i and 0x dumps as the real tools print
// them (testdata/dumps/, made with util-linux hexdump and vim's xxd from the
// bytes named below), in every chunking; offsets and ASCII columns full of
// hex-looking characters are never data; anything else is refused with its
// line, column and character.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "hex_dump_reader.h"

namespace {

using p1d::HexDumpReader;
using Bytes = std::vector<uint8_t>;

std::string file(const std::string& name) {
  std::ifstream in(std::string(P1_TESTDATA_DIR) + "/" + name, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

Bytes from_hex(const std::string& hex) {
  Bytes out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

struct Read {
  Bytes bytes;
  bool failed = false;
  HexDumpReader::Problem problem;
  std::string message;
};

// Feeds `text` in pieces of `in_chunk` characters into an output buffer of
// `out_chunk` bytes, then finishes.
Read read(const std::string& text, size_t in_chunk = 0, size_t out_chunk = 4096) {
  HexDumpReader reader;
  Read r;
  std::vector<uint8_t> out(out_chunk);
  size_t pos = 0;
  while (pos < text.size()) {
    size_t n = in_chunk == 0 ? text.size() - pos : std::min(in_chunk, text.size() - pos);
    auto c = reader.decode(p1::Span<const char>(text.data() + pos, n), p1::MutableByteSpan(out.data(), out.size()));
    r.bytes.insert(r.bytes.end(), out.begin(), out.begin() + static_cast<long>(c.produced));
    pos += c.consumed;
    if (c.failed) {
      r.failed = true;
      break;
    }
  }
  while (!r.failed) {
    auto c = reader.finish(p1::MutableByteSpan(out.data(), out.size()));
    r.bytes.insert(r.bytes.end(), out.begin(), out.begin() + static_cast<long>(c.produced));
    if (c.failed) r.failed = true;
    if (c.produced == 0) break;
  }
  r.problem = reader.problem();
  char text_out[256];
  r.message.assign(text_out, reader.describe(text_out, sizeof text_out));
  return r;
}

const Bytes& evn_bytes() {
  static const Bytes b = [] {
    std::string hex = file("evn-sample.hex");
    while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r')) hex.pop_back();
    return from_hex(hex);
  }();
  return b;
}

// The bytes of the hex-lookalike dumps: an ASCII column of hex digits,
// "|" and "0x12, 0xff" inside the data, 64 zero bytes ("*" lines).
const Bytes& lookalike_bytes() {
  static const Bytes b = [] {
    std::string hex = file("dumps/hex-lookalike.hex");
    while (!hex.empty() && hex.back() == '\n') hex.pop_back();
    return from_hex(hex);
  }();
  return b;
}

void expect_every_chunking(const std::string& text, const Bytes& expected) {
  for (size_t in : {size_t{0}, size_t{1}, size_t{3}, size_t{7}, size_t{19}, size_t{20}, size_t{21}, size_t{64}}) {
    for (size_t out : {size_t{1}, size_t{5}, size_t{16}, size_t{4096}}) {
      Read r = read(text, in, out);
      ASSERT_FALSE(r.failed) << r.message << " in=" << in << " out=" << out;
      ASSERT_EQ(r.bytes, expected) << "in=" << in << " out=" << out;
    }
  }
}

TEST(HexDump, PlainHexAsBefore) {
  expect_every_chunking(file("evn-sample.hex"), evn_bytes());
  expect_every_chunking("68 fa\r\n  FA 68\n\n5 3\n", Bytes{0x68, 0xFA, 0xFA, 0x68, 0x53});
}

TEST(HexDump, HexdumpC) {
  ASSERT_EQ(evn_bytes().size(), 282u);
  expect_every_chunking(file("dumps/evn-sample.hexdump"), evn_bytes());
  // The ASCII column holds "DEADBEEF 0123456", '|' and "0x12, 0xff"; a "*"
  // line stands for three lines of zeros.
  std::string dump = file("dumps/hex-lookalike.hexdump");
  ASSERT_NE(dump.find("\n*\n"), std::string::npos);
  expect_every_chunking(dump, lookalike_bytes());
}

TEST(HexDump, Xxd) {
  expect_every_chunking(file("dumps/evn-sample.xxd"), evn_bytes());
  std::string dump = file("dumps/hex-lookalike.xxd");  // xxd -a: "*" too
  ASSERT_NE(dump.find("\n*\n"), std::string::npos);
  expect_every_chunking(dump, lookalike_bytes());
}

TEST(HexDump, ZeroXPrefixed) {
  expect_every_chunking(file("dumps/evn-sample.xxd-i"), evn_bytes());
  std::string hex = file("evn-sample.hex");
  while (!hex.empty() && hex.back() == '\n') hex.pop_back();
  expect_every_chunking("0x" + hex + "\n", evn_bytes());
  expect_every_chunking("0x68,0xFA, 0xfa ,0X68\n0x53FF", Bytes{0x68, 0xFA, 0xFA, 0x68, 0x53, 0xFF});
}

TEST(HexDump, FormatsMixAndTheLastLineNeedsNoNewline) {
  std::string text = "0x68, 0xfa\n00000000: fa68 53ff  .hS.\n00000000  00 01 67  |..g|\n00000003\nDB 08";
  expect_every_chunking(text, Bytes{0x68, 0xFA, 0xFA, 0x68, 0x53, 0xFF, 0x00, 0x01, 0x67, 0xDB, 0x08});
}

// ---- refused input: the line, the column and the character -----------------

TEST(HexDump, OtherTextNamesLineColumnAndCharacter) {
  Read r = read("68 FA FA 68\n53 FF 00 01\n67 DB 08 4x 46\n");
  ASSERT_TRUE(r.failed);
  EXPECT_EQ(r.problem.issue, HexDumpReader::Issue::kNotHex);
  EXPECT_EQ(r.problem.line, 3u);
  EXPECT_EQ(r.problem.column, 11u);
  EXPECT_EQ(r.problem.character, 'x');
  EXPECT_EQ(r.message, "line 3, column 11: unexpected 'x' (0x78) where a hex digit belongs");
  // The bytes before it were read.
  EXPECT_EQ(r.bytes.size(), 11u);
  // The same in any chunking.
  for (size_t in : {1, 2, 5, 13}) {
    Read c = read("68 FA FA 68\n53 FF 00 01\n67 DB 08 4x 46\n", in, 3);
    EXPECT_EQ(c.message, r.message) << in;
  }
  Read word = read("hello world");
  EXPECT_EQ(word.message, "line 1, column 1: unexpected 'h' (0x68) where a hex digit belongs");
  Read control = read("00000000  68 fa\x01");
  EXPECT_EQ(control.message, "line 1, column 16: unexpected character 0x01 where a hex digit belongs");
}

TEST(HexDump, DumpLinesAreChecked) {
  // A line lost while copying a hexdump -C.
  std::string dump = file("dumps/evn-sample.hexdump");
  size_t second = dump.find('\n') + 1;
  size_t third = dump.find('\n', second) + 1;
  Read lost = read(dump.substr(0, second) + dump.substr(third));
  ASSERT_TRUE(lost.failed);
  EXPECT_EQ(lost.problem.issue, HexDumpReader::Issue::kOffsetMismatch);
  EXPECT_EQ(lost.message,
            "line 2, column 1: the offset says 0x20 but the lines before end at 0x10: a line is missing or was changed");
  // A byte of one digit in an xxd group, three digits in a hexdump byte.
  Read odd = read("00000000: 68fa f 5368  h..hS\n");
  EXPECT_EQ(odd.problem.issue, HexDumpReader::Issue::kOddDigits);
  EXPECT_EQ(odd.problem.column, 17u);
  Read three = read("00000000  68 fa0 68  |h.h|\n");
  EXPECT_EQ(three.problem.issue, HexDumpReader::Issue::kBadGroup);
  EXPECT_EQ(three.problem.column, 16u);
  EXPECT_EQ(three.problem.character, '0');
  Read half = read("0x68, 0xf, 0x68\n");
  EXPECT_EQ(half.problem.issue, HexDumpReader::Issue::kOddDigits);
  EXPECT_EQ(half.message, "line 1, column 10: a byte with a single hex digit before ',' (0x2C)");
  // "*" with nothing after it cannot say how many lines it stands for.
  Read open = read("00000000  00 00  |..|\n*\n");
  EXPECT_EQ(open.problem.issue, HexDumpReader::Issue::kRepeatUnbounded);
}

}  // namespace

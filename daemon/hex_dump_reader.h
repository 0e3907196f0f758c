// The hex text `p1bridge decode` reads: plain hex digits with any whitespace
// (as before), and dumps pasted from a terminal or a forum post:
//   hexdump -C  "00000000  68 fa fa 68 53 ff 00 01  67 db 08 4b 46 4d 67 50  |h..hS...g..KFMgP|",
//               "*" for repeated lines, the closing offset line "00000130"
//   xxd         "00000000: 68fa fa68 53ff 0001 67db 084b 464d 6750  h..hS...g..KFMgP"
//   0x dumps    "0x68, 0xFA, 0xFA," (xxd -i, C arrays) and "0x68FAFA68..."
// Each line is recognised by how it starts, so a capture may mix them. The
// offset column and the ASCII column are never read as data (they often hold
// hex-looking characters), and offsets are checked against the bytes read,
// so a line lost while copying is reported instead of decoded into garbage.
// Anything else stops the reader with the line, the column and the character.
//
// Streaming: text in any chunking, bytes out into a caller buffer of any
// size; no allocation.
#pragma once
#include <cstddef>
#include <cstdint>

#include "p1/base/hex.h"

namespace p1d {

class HexDumpReader {
 public:
  struct Chunk {
    size_t consumed;  // input characters used
    size_t produced;  // bytes written to out
    bool failed;      // stopped at a problem(); nothing more is read
  };
  enum class Issue : uint8_t {
    kNone,
    kNotHex,          // a character that is no hex digit where one belongs
    kOddDigits,       // a byte with one digit ("0x6", "6 8" in a dump)
    kOffsetMismatch,  // a dump line's offset is not where the bytes before it end
    kRepeatUnbounded, // "*" with no offset line after it
    kBadGroup,        // a hexdump -C byte of more than two digits, an xxd group of an odd number
  };
  struct Problem {
    Issue issue = Issue::kNone;
    uint64_t line = 0;    // 1-based
    uint64_t column = 0;  // 1-based, in characters (bytes) of the line
    char character = 0;   // the character at line:column ('\n' = end of line)
    uint64_t offset = 0;  // kOffsetMismatch: the offset the line states
    uint64_t expected = 0;  // ... and where the bytes before it end
  };

  // Reads from `text` into `out`. Stops when the text is used up, `out` is
  // full, or at a problem.
  Chunk decode(p1::Span<const char> text, p1::MutableByteSpan out);
  // The end of the input: completes the last line (and a pending "*"
  // repeat). Call until it produces nothing.
  Chunk finish(p1::MutableByteSpan out);
  const Problem& problem() const { return problem_; }
  // Plain hex ended after the first digit of a byte.
  bool has_half_byte() const { return plain_.has_half_byte(); }
  // One line of text for the problem, e.g. "line 3, column 12: 'g' is not a hex digit".
  size_t describe(char* out, size_t size) const;

 private:
  enum class State : uint8_t {
    kLineStart,   // collecting the line's first characters into prefix_
    kPlain,       // plain hex: the fast HexTextDecoder up to the end of the line
    kOffset,      // a dump line's offset digits (xxd until ':', hexdump until ' ' or the end)
    kDumpBytes,   // a dump line's bytes, until the ASCII column
    kSkipLine,    // the ASCII column, up to the end of the line
    kStarLine,    // "*": the previous dump line repeats
    kPrefixSep,   // 0x dump: between tokens
    kPrefixZero,  // 0x dump: after the '0' of "0x"
    kPrefixDigits,  // 0x dump: the token's digits
    kFailed,
  };
  enum class Dump : uint8_t { kNone, kXxd, kHexdump };
  static constexpr size_t kPrefixMax = 20;

  State classify() const;
  void begin_line(State state);
  // One character of a classified line (not kPlain); false on a problem.
  bool step(char c, uint64_t column, uint8_t*& o);
  void end_of_line();
  bool fail(Issue issue, char c, uint64_t column);
  bool check_offset(uint64_t column);
  void emit(uint8_t byte, uint8_t*& o);
  // One hex digit of a dump or 0x line: every second one completes a byte.
  void digit(uint8_t value, uint8_t*& o);

  State state_ = State::kLineStart;
  Dump dump_ = Dump::kNone;       // kind of the current dump line
  Dump last_dump_ = Dump::kNone;  // kind of the previous line, if a dump line
  p1::HexTextDecoder plain_;
  char prefix_[kPrefixMax];
  size_t prefix_len_ = 0;
  size_t replay_pos_ = 0;  // prefix characters already handed to the line's state
  uint64_t prefix_column_ = 1;
  uint64_t line_ = 1;
  uint64_t column_ = 1;  // of the next character
  bool half_ = false;    // dump and 0x lines: first digit of a byte seen
  uint8_t high_ = 0;
  size_t token_digits_ = 0;
  size_t spaces_ = 0;    // xxd: consecutive spaces (two end the bytes)
  uint64_t offset_ = 0;  // being read
  size_t offset_digits_ = 0;
  bool in_dump_ = false;  // offsets are checked against expected_
  uint64_t expected_ = 0;
  bool repeat_pending_ = false;  // a "*" line waits for the next offset
  uint64_t repeat_ = 0;          // repeated bytes still to write
  uint64_t repeat_index_ = 0;
  uint8_t last_line_[256];  // xxd -c allows up to 256 bytes per line
  size_t last_line_size_ = 0;
  bool line_has_bytes_ = false;
  bool star_seen_ = false;
  bool finished_ = false;
  Problem problem_;
};

}  // namespace p1d

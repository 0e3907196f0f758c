#include "hex_dump_reader.h"

#include <cstdio>
#include <cstring>

namespace p1d {

namespace {

int hex_value(char c) {
  uint8_t v = p1::hex_class(static_cast<uint8_t>(c));
  return v < 16 ? v : -1;
}

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

// Offsets of hexdump -C and xxd have 6 to 16 (xxd: 1 to 16) hex digits.
constexpr size_t kMinHexdumpOffset = 6;
constexpr size_t kMaxOffset = 16;

}  // namespace

HexDumpReader::State HexDumpReader::classify() const {
  const char* s = prefix_;
  const size_t n = prefix_len_;
  const bool complete = n == kPrefixMax || s[n - 1] == '\n';
  if (s[0] == '0' && n == 1 && !complete) return State::kLineStart;
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) return State::kPrefixSep;
  if (s[0] == '*' && last_dump_ != Dump::kNone) return State::kStarLine;
  size_t h = 0;
  while (h < n && hex_value(s[h]) >= 0) ++h;
  if (h == n) return complete ? State::kPlain : State::kLineStart;
  char after = s[h];
  if (h >= 1 && h <= kMaxOffset && after == ':') return State::kOffset;  // xxd
  bool hexdump_offset = h >= kMinHexdumpOffset && h <= kMaxOffset;
  // The closing line of hexdump -C holds only the offset.
  if (hexdump_offset && last_dump_ == Dump::kHexdump && (after == '\n' || after == '\r')) return State::kOffset;
  if (hexdump_offset && after == ' ') {
    if (h + 1 == n) return complete ? State::kPlain : State::kLineStart;
    if (s[h + 1] == ' ') return State::kOffset;  // hexdump -C: two spaces after the offset
  }
  return State::kPlain;
}

void HexDumpReader::begin_line(State state) {
  state_ = state;
  replay_pos_ = 0;
  half_ = false;
  token_digits_ = 0;
  spaces_ = 0;
  offset_ = 0;
  offset_digits_ = 0;
  line_has_bytes_ = false;
  star_seen_ = false;
  dump_ = Dump::kNone;
  if (state == State::kOffset) {
    size_t h = 0;
    while (hex_value(prefix_[h]) >= 0) ++h;
    dump_ = prefix_[h] == ':' ? Dump::kXxd : Dump::kHexdump;
  }
  if (repeat_pending_ && state != State::kOffset) {
    fail(Issue::kRepeatUnbounded, prefix_[0], prefix_column_);
    return;
  }
  if (state != State::kOffset && state != State::kStarLine) in_dump_ = false;
}

void HexDumpReader::end_of_line() {
  if (state_ == State::kOffset || state_ == State::kDumpBytes || state_ == State::kSkipLine) {
    last_dump_ = dump_;
  } else if (state_ != State::kStarLine) {
    last_dump_ = Dump::kNone;
  }
  state_ = State::kLineStart;
  prefix_len_ = 0;
  replay_pos_ = 0;
  ++line_;
  column_ = 1;
}

bool HexDumpReader::fail(Issue issue, char c, uint64_t column) {
  problem_.issue = issue;
  problem_.line = line_;
  problem_.column = column;
  problem_.character = c;
  state_ = State::kFailed;
  return false;
}

bool HexDumpReader::check_offset(uint64_t column) {
  if (repeat_pending_) {
    // "*": the previous line's bytes repeat up to this offset.
    repeat_pending_ = false;
    if (!in_dump_ || last_line_size_ == 0 || offset_ < expected_) {
      problem_.offset = offset_;
      problem_.expected = expected_;
      return fail(Issue::kOffsetMismatch, prefix_[0], column);
    }
    repeat_ = offset_ - expected_;
    repeat_index_ = 0;
    return true;
  }
  if (!in_dump_ || offset_ == 0) {
    // The first line of a dump (hexdump -s, xxd -s may start anywhere).
    in_dump_ = true;
    expected_ = offset_;
    return true;
  }
  if (offset_ != expected_) {
    problem_.offset = offset_;
    problem_.expected = expected_;
    return fail(Issue::kOffsetMismatch, prefix_[0], column);
  }
  return true;
}

void HexDumpReader::emit(uint8_t byte, uint8_t*& o) {
  *o++ = byte;
  if (dump_ == Dump::kNone) return;
  if (!line_has_bytes_) {
    line_has_bytes_ = true;
    last_line_size_ = 0;
  }
  if (last_line_size_ < sizeof last_line_) last_line_[last_line_size_++] = byte;
  ++expected_;
}

void HexDumpReader::digit(uint8_t value, uint8_t*& o) {
  if (half_) {
    emit(static_cast<uint8_t>(high_ << 4 | value), o);
    half_ = false;
  } else {
    high_ = value;
    half_ = true;
  }
}

bool HexDumpReader::step(char c, uint64_t column, uint8_t*& o) {
  const int v = hex_value(c);
  switch (state_) {
    case State::kOffset:
      if (v >= 0 && offset_digits_ < kMaxOffset) {
        offset_ = offset_ << 4 | static_cast<uint64_t>(v);
        ++offset_digits_;
        return true;
      }
      if (c == ':' || c == ' ') {
        if (!check_offset(prefix_column_)) return false;
        state_ = State::kDumpBytes;
        return true;
      }
      if (c == '\r') return true;
      if (c == '\n') {
        if (!check_offset(prefix_column_)) return false;
        end_of_line();
        return true;
      }
      return fail(Issue::kNotHex, c, column);
    case State::kDumpBytes:
      if (v >= 0) {
        ++token_digits_;
        if (dump_ == Dump::kHexdump && token_digits_ > 2) return fail(Issue::kBadGroup, c, column);
        spaces_ = 0;
        digit(static_cast<uint8_t>(v), o);
        return true;
      }
      if (c == ' ' || c == '\t' || c == '|' || c == '\n') {
        if (half_) return fail(token_digits_ == 1 ? Issue::kOddDigits : Issue::kBadGroup, c, column);
        token_digits_ = 0;
        if (c == '\n') {
          end_of_line();
          return true;
        }
        // hexdump -C: the ASCII column starts with '|'; xxd: after two spaces.
        if (c == '|' && dump_ == Dump::kHexdump) {
          state_ = State::kSkipLine;
          return true;
        }
        if (c == '|') return fail(Issue::kNotHex, c, column);
        if (dump_ == Dump::kXxd && ++spaces_ >= 2 && line_has_bytes_) state_ = State::kSkipLine;
        return true;
      }
      if (c == '\r') return true;
      return fail(Issue::kNotHex, c, column);
    case State::kSkipLine:
      if (c == '\n') end_of_line();
      return true;
    case State::kStarLine:
      if (c == '*' && !star_seen_) {
        star_seen_ = true;
        return true;
      }
      if (c == '\n') {
        repeat_pending_ = true;
        end_of_line();
        return true;
      }
      if (is_blank(c)) return true;
      return fail(Issue::kNotHex, c, column);
    case State::kPrefixSep:
      if (c == '0') {
        state_ = State::kPrefixZero;
        return true;
      }
      if (c == '\n') {
        end_of_line();
        return true;
      }
      if (is_blank(c) || c == ',') return true;
      return fail(Issue::kNotHex, c, column);
    case State::kPrefixZero:
      if (c == 'x' || c == 'X') {
        state_ = State::kPrefixDigits;
        token_digits_ = 0;
        return true;
      }
      return fail(Issue::kNotHex, c, column);
    case State::kPrefixDigits:
      if (v >= 0) {
        ++token_digits_;
        digit(static_cast<uint8_t>(v), o);
        return true;
      }
      if (is_blank(c) || c == ',' || c == '\n') {
        if (half_ || token_digits_ == 0) return fail(Issue::kOddDigits, c, column);
        state_ = State::kPrefixSep;
        if (c == '\n') end_of_line();
        return true;
      }
      return fail(Issue::kNotHex, c, column);
    case State::kLineStart:
    case State::kPlain:
    case State::kFailed:
      break;
  }
  return false;
}

HexDumpReader::Chunk HexDumpReader::decode(p1::Span<const char> text, p1::MutableByteSpan out) {
  Chunk chunk{0, 0, false};
  const char* const begin = text.data();
  const char* p = begin;
  const char* const end = begin + text.size();
  uint8_t* const obegin = out.data();
  uint8_t* o = obegin;
  uint8_t* const oend = obegin + out.size();
  if (state_ == State::kFailed) {
    chunk.failed = true;
    return chunk;
  }
  if (out.size() == 0) return chunk;
  for (;;) {
    if (repeat_ > 0) {
      while (repeat_ > 0 && o < oend) {
        *o++ = last_line_[repeat_index_++ % last_line_size_];
        ++expected_;
        --repeat_;
      }
      if (repeat_ > 0) break;
    }
    if (state_ == State::kFailed) break;
    if (state_ == State::kLineStart) {
      if (prefix_len_ > 0) {
        State s = classify();
        if (s != State::kLineStart) {
          begin_line(s);
          continue;
        }
      }
      if (p == end) break;
      char c = *p;
      if (prefix_len_ == 0) {
        if (is_blank(c)) {
          ++p;
          ++column_;
          continue;
        }
        if (c == '\n') {
          ++p;
          end_of_line();
          continue;
        }
        prefix_column_ = column_;
      }
      // As much of the line's start as there is, up to and with its newline,
      // then one classification.
      size_t room = kPrefixMax - prefix_len_;
      size_t available = static_cast<size_t>(end - p);
      size_t n = available < room ? available : room;
      const void* nl = std::memchr(p, '\n', n);
      if (nl != nullptr) n = static_cast<size_t>(static_cast<const char*>(nl) - p) + 1;
      std::memcpy(prefix_ + prefix_len_, p, n);
      prefix_len_ += n;
      p += n;
      column_ += n;
      continue;
    }
    // A classified line: its first characters are in prefix_, the rest in the text.
    const bool from_prefix = replay_pos_ < prefix_len_;
    if (state_ == State::kPlain) {
      if (from_prefix) {
        if (prefix_[replay_pos_] == '\n') {
          end_of_line();
          continue;
        }
        if (o == oend) break;
        size_t n = prefix_len_ - replay_pos_;
        if (prefix_[prefix_len_ - 1] == '\n') --n;
        auto r = plain_.decode(p1::Span<const char>(prefix_ + replay_pos_, n),
                               p1::MutableByteSpan(o, static_cast<size_t>(oend - o)));
        o += r.produced;
        if (r.invalid) {
          fail(Issue::kNotHex, prefix_[replay_pos_ + r.consumed], prefix_column_ + replay_pos_ + r.consumed);
          break;
        }
        replay_pos_ += r.consumed;
        continue;
      }
      if (p == end || o == oend) break;
      // The bulk of a plain capture: the table-driven decoder up to the line's end.
      const void* nl = std::memchr(p, '\n', static_cast<size_t>(end - p));
      const char* stop = nl != nullptr ? static_cast<const char*>(nl) : end;
      auto r = plain_.decode(p1::Span<const char>(p, static_cast<size_t>(stop - p)),
                             p1::MutableByteSpan(o, static_cast<size_t>(oend - o)));
      o += r.produced;
      p += r.consumed;
      column_ += r.consumed;
      if (r.invalid) {
        fail(Issue::kNotHex, *p, column_);
        break;
      }
      if (p == stop && nl != nullptr) {
        ++p;
        end_of_line();
      }
      continue;
    }
    if (o == oend) break;
    if (from_prefix) {
      char c = prefix_[replay_pos_];
      uint64_t column = prefix_column_ + replay_pos_;
      ++replay_pos_;
      if (!step(c, column, o)) break;
      continue;
    }
    if (p == end) break;
    char c = *p++;
    uint64_t column = column_++;
    if (!step(c, column, o)) break;
  }
  chunk.consumed = static_cast<size_t>(p - begin);
  chunk.produced = static_cast<size_t>(o - obegin);
  chunk.failed = state_ == State::kFailed;
  return chunk;
}

HexDumpReader::Chunk HexDumpReader::finish(p1::MutableByteSpan out) {
  Chunk chunk{0, 0, state_ == State::kFailed};
  if (chunk.failed) return chunk;
  if (!finished_) {
    // The last line may lack its newline: end it.
    static const char kNewline = '\n';
    chunk = decode(p1::Span<const char>(&kNewline, 1), out);
    if (chunk.consumed == 1) finished_ = true;
    chunk.consumed = 0;
  } else {
    chunk = decode(p1::Span<const char>(), out);  // what the last line still has to write
  }
  if (!chunk.failed && finished_ && chunk.produced == 0 && repeat_pending_) {
    fail(Issue::kRepeatUnbounded, '*', 1);
    chunk.failed = true;
  }
  return chunk;
}

size_t HexDumpReader::describe(char* out, size_t size) const {
  char shown[24];
  unsigned char c = static_cast<unsigned char>(problem_.character);
  if (c == '\n') {
    std::snprintf(shown, sizeof shown, "the end of the line");
  } else if (c >= 0x20 && c < 0x7F) {
    std::snprintf(shown, sizeof shown, "'%c' (0x%02X)", c, c);
  } else {
    std::snprintf(shown, sizeof shown, "character 0x%02X", c);
  }
  const unsigned long long line = problem_.line;
  const unsigned long long column = problem_.column;
  int n = 0;
  switch (problem_.issue) {
    case Issue::kNone:
      n = std::snprintf(out, size, "no problem");
      break;
    case Issue::kNotHex:
      n = std::snprintf(out, size, "line %llu, column %llu: unexpected %s where a hex digit belongs", line, column, shown);
      break;
    case Issue::kOddDigits:
      n = std::snprintf(out, size, "line %llu, column %llu: a byte with a single hex digit before %s", line, column,
                        shown);
      break;
    case Issue::kBadGroup:
      n = std::snprintf(out, size,
                        "line %llu, column %llu: unexpected %s: the bytes of a hexdump -C line are two digits each, "
                        "an xxd group an even number",
                        line, column, shown);
      break;
    case Issue::kOffsetMismatch:
      n = std::snprintf(out, size,
                        "line %llu, column %llu: the offset says 0x%llX but the lines before end at 0x%llX: "
                        "a line is missing or was changed",
                        line, column, static_cast<unsigned long long>(problem_.offset),
                        static_cast<unsigned long long>(problem_.expected));
      break;
    case Issue::kRepeatUnbounded:
      n = std::snprintf(out, size,
                        "line %llu, column %llu: '*' (the line before repeats) needs the offset line that ends it",
                        line, column);
      break;
  }
  if (n < 0) return 0;
  return static_cast<size_t>(n) < size ? static_cast<size_t>(n) : size - 1;
}

}  // namespace p1d

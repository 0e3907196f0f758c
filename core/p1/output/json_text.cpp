#include "p1/output/json_text.h"

#include <cstring>

#include "p1/output/exact_decimal.h"

namespace p1 {

namespace {

// The text's characters, escaped, without the quotes.
void put_json_escaped(TextBuffer& out, Span<const char> text) {
  static const char kHex[] = "0123456789abcdef";
  size_t run = 0;  // plain characters are copied in blocks
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.put(text.data() + run, i - run);
    run = i + 1;
    out.put('\\');
    switch (c) {
      case '"': out.put('"'); break;
      case '\\': out.put('\\'); break;
      case '\n': out.put('n'); break;
      case '\r': out.put('r'); break;
      case '\t': out.put('t'); break;
      default:
        out.put("u00", 3);
        out.put(kHex[c >> 4]);
        out.put(kHex[c & 15]);
    }
  }
  out.put(text.data() + run, text.size() - run);
}

}  // namespace

void put_json_string(TextBuffer& out, Span<const char> text) {
  out.put('"');
  put_json_escaped(out, text);
  out.put('"');
}

void put_json_string(TextBuffer& out, FlashText text) {
  char piece[32];
  out.put('"');
  for (size_t at = 0;;) {
    size_t n = 0;
    for (char c; n < sizeof piece && (c = text.at(at + n)) != '\0'; ++n) piece[n] = c;
    if (n == 0) break;
    put_json_escaped(out, Span<const char>(piece, n));
    at += n;
  }
  out.put('"');
}

void put_json_string(TextBuffer& out, const char* text) { put_json_string(out, Span<const char>(text, std::strlen(text))); }

void put_json_key(TextBuffer& out, FlashText key, bool& first) {
  if (!first) out.put(',');
  first = false;
  put_json_string(out, key);
  out.put(':');
}

void put_json_key(TextBuffer& out, const char* key, bool& first) {
  if (!first) out.put(',');
  first = false;
  put_json_string(out, key);
  out.put(':');
}

void put_json_uint(TextBuffer& out, uint64_t value) {
  char digits[kUintTextMax];
  out.put(digits, format_uint(value, digits));
}

void put_json_int(TextBuffer& out, int64_t value) {
  if (value < 0) out.put('-');
  // Through unsigned: -INT64_MIN does not fit an int64_t.
  put_json_uint(out, value < 0 ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value));
}

void put_json_bool(TextBuffer& out, bool value) { out.put(value ? "true" : "false"); }

}  // namespace p1

#include "p1/device/web/json_object_reader.h"

#include <cstring>

#include "p1/base/hex.h"

#define JSMN_STATIC
#define JSMN_STRICT
#include <jsmn.h>

namespace p1 {

static_assert(sizeof(JsonToken) == sizeof(jsmntok_t), "JsonToken mirrors jsmntok_t");

bool JsonObjectReader::parse() {
  jsmn_parser parser;
  jsmn_init(&parser);
  int n = jsmn_parse(&parser, text_.data(), text_.size(), reinterpret_cast<jsmntok_t*>(tokens_.data()),
                     static_cast<unsigned>(tokens_.size()));
  if (n <= 0 || tokens_[0].type != JSMN_OBJECT) return false;
  count_ = n;
  return skip(0) == n;  // exactly one object
}

int JsonObjectReader::skip(int token) const {
  if (token >= count_) return count_;
  int children = tokens_[token].size;
  int next = token + 1;
  for (int i = 0; i < children; ++i) next = skip(next);
  return next;
}

bool JsonObjectReader::is_string(int token) const {
  return token >= 0 && token < count_ && tokens_[token].type == JSMN_STRING;
}
bool JsonObjectReader::is_object(int token) const {
  return token >= 0 && token < count_ && tokens_[token].type == JSMN_OBJECT;
}

bool JsonObjectReader::next_member(int object, int& member) const {
  if (!is_object(object)) return false;
  int end = skip(object);
  int next = member < 0 ? object + 1 : skip(member + 1);
  if (next >= end) return false;
  member = next;
  return true;
}

int JsonObjectReader::find(int object, const char* key) const {
  size_t n = std::strlen(key);
  for (int member = -1; next_member(object, member);) {
    Span<const char> k = raw(member);
    if (k.size() == n && std::memcmp(k.data(), key, n) == 0) return member + 1;
  }
  return -1;
}

Span<const char> JsonObjectReader::raw(int token) const {
  if (token < 0 || token >= count_) return {};
  const JsonToken& t = tokens_[token];
  return text_.subspan(static_cast<size_t>(t.start), static_cast<size_t>(t.end - t.start));
}

bool JsonObjectReader::text(int token, CharSpan out, size_t& length) const {
  if (!is_string(token)) return false;
  Span<const char> in = raw(token);
  size_t n = 0;
  auto put = [&](char c) {
    if (n == out.size()) return false;
    out[n++] = c;
    return true;
  };
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c != '\\') {
      if (!put(c)) return false;
      continue;
    }
    if (++i == in.size()) return false;
    char e = in[i];
    const char* simple = std::strchr("\"\\/bfnrt", e);
    if (e != 'u' && (simple == nullptr || e == '\0')) return false;
    if (e != 'u') {
      static const char kMeaning[] = "\"\\/\b\f\n\r\t";
      if (!put(kMeaning[simple - "\"\\/bfnrt"])) return false;
      continue;
    }
    if (i + 4 >= in.size()) return false;
    uint32_t cp = 0;
    for (int k = 1; k <= 4; ++k) {
      uint8_t v = hex_class(static_cast<uint8_t>(in[i + k]));
      if (v >= 16) return false;
      cp = cp << 4 | static_cast<uint32_t>(v);
    }
    i += 4;
    // Surrogate pairs are not needed for settings text; refuse them.
    if (cp >= 0xD800 && cp <= 0xDFFF) return false;
    if (cp < 0x80) {
      if (!put(static_cast<char>(cp))) return false;
    } else if (cp < 0x800) {
      if (!put(static_cast<char>(0xC0 | cp >> 6)) || !put(static_cast<char>(0x80 | (cp & 0x3F)))) return false;
    } else {
      if (!put(static_cast<char>(0xE0 | cp >> 12)) || !put(static_cast<char>(0x80 | ((cp >> 6) & 0x3F))) ||
          !put(static_cast<char>(0x80 | (cp & 0x3F)))) {
        return false;
      }
    }
  }
  length = n;
  return true;
}

bool JsonObjectReader::unsigned_number(int token, uint64_t& out) const {
  if (token < 0 || token >= count_ || tokens_[token].type != JSMN_PRIMITIVE) return false;
  Span<const char> in = raw(token);
  if (in.empty() || in.size() > 15) return false;
  uint64_t v = 0;
  for (char c : in) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  out = v;
  return true;
}

}  // namespace p1

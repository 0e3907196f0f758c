// Reads the small JSON objects of the web exchange (the envelope and the
// request inside it) without heap: jsmn (Debian's libjsmn-dev, zserge/jsmn on
// the device) tokenises into a caller-sized token array; this adds lookup by
// key and string unescaping, which jsmn leaves to its user.
#pragma once
#include <cstdint>

#include "p1/base/span.h"

namespace p1 {

struct JsonToken {  // mirrors jsmntok_t, so jsmn.h stays out of headers
  int type;
  int start;
  int end;
  int size;
};

class JsonObjectReader {
 public:
  JsonObjectReader(Span<const char> text, Span<JsonToken> tokens) : text_(text), tokens_(tokens) {}
  // False when the text is not one JSON object or needs more tokens.
  bool parse();
  // Token index of `key`'s value in the object starting at token `object`
  // (0 = the top level), or -1.
  int find(int object, const char* key) const;
  bool is_string(int token) const;
  bool is_object(int token) const;
  // Members of an object: call with member = -1 first; false at the end.
  bool next_member(int object, int& member) const;  // member = the key token
  int value_of(int key_token) const { return key_token + 1; }
  Span<const char> raw(int token) const;
  // A string token's text with escapes resolved (\uXXXX as UTF-8) into `out`;
  // false if it does not fit or is malformed.
  bool text(int token, CharSpan out, size_t& length) const;
  bool unsigned_number(int token, uint64_t& out) const;

 private:
  int skip(int token) const;  // index after the token and its children
  Span<const char> text_;
  Span<JsonToken> tokens_;
  int count_ = 0;
};

}  // namespace p1

// A key given on the command line (--key, --auth-key): parsed, or one clear
// line on stderr naming the command and the option (never the key).
#pragma once
#include <cstdio>
#include <string>

#include "p1/crypto/keys.h"

namespace p1d {

template <typename KeyT>
bool parse_key_argument(const char* command, const std::string& text, const char* option, KeyT& key) {
  p1::KeyParseError error = KeyT::parse(p1::Span<const char>(text.data(), text.size()), key);
  if (error == p1::KeyParseError::kNone) return true;
  std::fprintf(stderr, "p1bridge %s: invalid %s: %s\n", command, option, p1::describe(error));
  return false;
}

}  // namespace p1d

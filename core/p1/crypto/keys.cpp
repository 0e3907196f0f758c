#include "p1/crypto/keys.h"

namespace p1 {

const char* describe(KeyParseError error) {
  switch (error) {
    case KeyParseError::kNone: return "ok";
    case KeyParseError::kWrongLength: return "a key is 32 hex digits (16 bytes)";
    case KeyParseError::kNotHex: return "a key may contain only hex digits 0-9 and A-F";
  }
  return "invalid key";
}

}  // namespace p1

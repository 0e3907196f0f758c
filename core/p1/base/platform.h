// The small interfaces platform code implements for the core's front-end
// helpers (wizard, web exchange): one file per platform implements each.
#pragma once
#include <cstdint>

#include "p1/base/flash_text.h"
#include "p1/base/span.h"

namespace p1 {

class TextOutput {
 public:
  virtual void print(const char* text) = 0;
  // Constant text (flash on the device): by default copied out in pieces;
  // a platform that prints from flash itself overrides it.
  virtual void print(FlashText text) {
    char piece[33];
    for (size_t at = 0;;) {
      size_t n = 0;
      for (char c; n + 1 < sizeof piece && (c = text.at(at + n)) != '\0'; ++n) piece[n] = c;
      if (n == 0) return;
      piece[n] = '\0';
      print(piece);
      at += n;
    }
  }

 protected:
  ~TextOutput() = default;
};

class RandomSource {
 public:
  // Cryptographically strong random bytes.
  virtual void fill(MutableByteSpan out) = 0;

 protected:
  ~RandomSource() = default;
};

}  // namespace p1

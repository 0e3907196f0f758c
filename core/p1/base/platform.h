// The small interfaces platform code implements for the core's front-end
// helpers (wizard, web exchange): one file per platform implements each.
#pragma once
#include <cstdint>

#include "p1/base/span.h"

namespace p1 {

class TextOutput {
 public:
  virtual void print(const char* text) = 0;

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

// Linux implementations of the core's platform interfaces.
#pragma once
#include <sys/random.h>
#include <unistd.h>

#include <cstring>

#include "p1/base/platform.h"

namespace p1d {

class LinuxRandom final : public p1::RandomSource {
 public:
  void fill(p1::MutableByteSpan out) override {
    size_t done = 0;
    while (done < out.size()) {
      ssize_t n = getrandom(out.data() + done, out.size() - done, 0);
      if (n > 0) done += static_cast<size_t>(n);
    }
  }
};

class StdoutText final : public p1::TextOutput {
 public:
  void print(const char* text) override { (void)!::write(STDOUT_FILENO, text, std::strlen(text)); }
};

}  // namespace p1d

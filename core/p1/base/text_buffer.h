// Append-only writer over a caller-provided char buffer; remembers overflow
// instead of failing at every call so formatting code stays linear.
#pragma once
#include <cstring>

#include "p1/base/flash_text.h"
#include "p1/base/span.h"

namespace p1 {

class TextBuffer {
 public:
  explicit TextBuffer(CharSpan out) : out_(out) {}
  void put(char c) {
    if (len_ < out_.size()) {
      out_[len_++] = c;
    } else {
      overflow_ = true;
    }
  }
  void put(const char* s, size_t n) {
    if (out_.size() - len_ < n) {
      overflow_ = true;
      return;
    }
    std::memcpy(out_.data() + len_, s, n);
    len_ += n;
  }
  void put(const char* s) { put(s, std::strlen(s)); }
  void put(FlashText s) {
    for (size_t i = 0;; ++i) {
      char c = s.at(i);
      if (c == '\0') return;
      put(c);
    }
  }
  bool has_room(size_t n) const { return out_.size() - len_ >= n; }
  // Space for up to n chars written directly; commit() what was used.
  char* reserve(size_t n) {
    if (out_.size() - len_ < n) {
      overflow_ = true;
      return nullptr;
    }
    return out_.data() + len_;
  }
  void commit(size_t n) { len_ += n; }
  // Back to `n` chars (n <= size()), forgetting an overflow after them: a
  // writer can try a piece and take it back when it did not fit.
  void truncate(size_t n) {
    if (n <= len_) len_ = n;
    overflow_ = false;
  }
  size_t size() const { return len_; }
  bool overflow() const { return overflow_; }
  const char* data() const { return out_.data(); }

 private:
  CharSpan out_;
  size_t len_ = 0;
  bool overflow_ = false;
};

}  // namespace p1

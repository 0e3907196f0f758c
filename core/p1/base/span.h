// A minimal std::span stand-in: the ESP8266 toolchain is C++17 (no <span>).
#pragma once
#include <cstddef>
#include <cstdint>

namespace p1 {

template <typename T>
class Span {
 public:
  constexpr Span() = default;
  constexpr Span(T* data, size_t size) : data_(data), size_(size) {}
  template <size_t N>
  constexpr Span(T (&array)[N]) : data_(array), size_(N) {}  // NOLINT: implicit by design
  // Allow Span<T> -> Span<const T>.
  template <typename U>
  constexpr Span(const Span<U>& other) : data_(other.data()), size_(other.size()) {}  // NOLINT

  constexpr T* data() const { return data_; }
  constexpr size_t size() const { return size_; }
  constexpr bool empty() const { return size_ == 0; }
  constexpr T& operator[](size_t i) const { return data_[i]; }
  constexpr T* begin() const { return data_; }
  constexpr T* end() const { return data_ + size_; }

  // Out-of-range requests clamp to an empty tail instead of overrunning.
  constexpr Span subspan(size_t offset, size_t count = SIZE_MAX) const {
    if (offset > size_) offset = size_;
    size_t rest = size_ - offset;
    return Span(data_ + offset, count < rest ? count : rest);
  }
  constexpr Span first(size_t count) const { return subspan(0, count); }

 private:
  T* data_ = nullptr;
  size_t size_ = 0;
};

using ByteSpan = Span<const uint8_t>;
using MutableByteSpan = Span<uint8_t>;
using CharSpan = Span<char>;

}  // namespace p1

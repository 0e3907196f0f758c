// Constant text kept in flash on the ESP8266. Its CPU reads flash (mapped at
// 0x40200000) only with aligned 32-bit loads, and everything `const` is copied
// into the 80 KB of RAM at boot unless it is placed in a flash section. The
// core's constant strings and tables are therefore marked P1_FLASH_DATA (or
// written P1_TEXT("...")) and read only through FlashText, which does aligned
// word loads there; the type has no conversion to `const char*`, so a byte
// read that would fault on the device does not compile anywhere. On every
// other platform (and in the host tests) it is a plain pointer.
//
// The firmware's build defines P1_FLASH_STRINGS (platformio.ini); the
// sections it uses are the ones the ESP8266 core's linker script sends to
// flash for PSTR() (`.irom0.pstr.*`).
#pragma once
#include <cstddef>
#include <cstdint>

#include "p1/base/span.h"

#define P1_FLASH_STRINGIZE_(x) #x
#define P1_FLASH_STRINGIZE(x) P1_FLASH_STRINGIZE_(x)

#if defined(P1_FLASH_STRINGS)
#define P1_FLASH_DATA \
  __attribute__((section(".irom0.pstr.p1." P1_FLASH_STRINGIZE(__LINE__) "." P1_FLASH_STRINGIZE(__COUNTER__)), aligned(4)))
// A string literal in flash, inside a function: out.put(P1_TEXT("..."));
#define P1_TEXT(s)                                                      \
  (::p1::FlashText(__extension__({                                      \
    static const char p1_flash_text_[] P1_FLASH_DATA = (s);             \
    &p1_flash_text_[0];                                                 \
  })))
#else
#define P1_FLASH_DATA
#define P1_TEXT(s) (::p1::FlashText(s))
#endif

namespace p1 {

// One char of constant text (see above).
inline char flash_char(const char* p) {
#if defined(P1_FLASH_STRINGS)
  uintptr_t at = reinterpret_cast<uintptr_t>(p);
  // volatile: one 32-bit load, never narrowed to a byte load by the compiler.
  uint32_t word = *reinterpret_cast<const volatile uint32_t*>(at & ~static_cast<uintptr_t>(3));
  return static_cast<char>(word >> (8 * (at & 3)));  // little-endian
#else
  return *p;
#endif
}

// A copy of one entry of a constant table (flash on the device), read word
// by word: for tables of small fields, which the CPU cannot read from flash
// directly.
void flash_copy(void* to, const void* from, size_t size);
template <typename T>
T flash_read(const T& entry) {
  static_assert(__is_trivially_copyable(T), "flash tables hold plain data");
  T out;
  flash_copy(&out, &entry, sizeof(T));
  return out;
}

class FlashText {
 public:
  constexpr explicit FlashText(const char* text) : text_(text) {}
  char at(size_t i) const { return flash_char(text_ + i); }
  FlashText from(size_t offset) const { return FlashText(text_ + offset); }
  bool empty() const { return at(0) == '\0'; }
  size_t size() const {
    size_t n = 0;
    while (at(n) != '\0') ++n;
    return n;
  }
  bool equals(Span<const char> s) const {
    size_t i = 0;
    for (char c; (c = at(i)) != '\0'; ++i) {
      if (i >= s.size() || c != s[i]) return false;
    }
    return i == s.size();
  }
  // Copies as much as fits into `out` with a terminating NUL; returns the
  // length copied.
  size_t copy(CharSpan out) const {
    if (out.empty()) return 0;
    size_t n = 0;
    for (char c; n + 1 < out.size() && (c = at(n)) != '\0'; ++n) out[n] = c;
    out[n] = '\0';
    return n;
  }
  // For code that reads flash itself (Arduino's FPSTR/__FlashStringHelper).
  const void* flash_address() const { return text_; }
#if !defined(P1_FLASH_STRINGS)
  // Host-only code (the Linux program, tools, tests) may read it directly.
  const char* host_string() const { return text_; }
#endif

 private:
  const char* text_;
};

}  // namespace p1

#include "p1/output/exact_decimal.h"

namespace p1 {

namespace {
#if !defined(P1_COMPACT_TABLES)
// "00" .. "99": two digits per division (every number of every telegram);
// the device keeps its RAM and divides per digit.
struct DigitPairs {
  char text[200];
  constexpr DigitPairs() : text() {
    for (int i = 0; i < 100; ++i) {
      text[2 * i] = static_cast<char>('0' + i / 10);
      text[2 * i + 1] = static_cast<char>('0' + i % 10);
    }
  }
};
constexpr DigitPairs kDigitPairs;
#endif
}  // namespace

size_t format_decimal(bool negative, uint64_t magnitude, int scaler, char* out) {
  // Digits from the lowest, reversed in `digits` (digits[n-1] is the highest).
  char digits[20];
  size_t n = 0;
  // Meter values nearly always fit 32 bits, where division is much cheaper.
  while (magnitude > 0xFFFFFFFFu) {
    digits[n++] = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
  }
  uint32_t small = static_cast<uint32_t>(magnitude);
#if defined(P1_COMPACT_TABLES)
  do {
    digits[n++] = static_cast<char>('0' + small % 10);
    small /= 10;
  } while (small != 0);
#else
  while (small >= 100) {
    const char* pair = kDigitPairs.text + 2 * (small % 100);
    digits[n++] = pair[1];
    digits[n++] = pair[0];
    small /= 100;
  }
  if (small >= 10) {
    digits[n++] = kDigitPairs.text[2 * small + 1];
    digits[n++] = kDigitPairs.text[2 * small];
  } else {
    digits[n++] = static_cast<char>('0' + small);
  }
#endif
  char* p = out;
  bool zero = n == 1 && digits[0] == '0';
  if (negative && !zero) *p++ = '-';
  if (scaler >= 0) {
    while (n > 0) *p++ = digits[--n];
    if (!zero) {
      for (int i = 0; i < scaler; ++i) *p++ = '0';
    }
    return static_cast<size_t>(p - out);
  }
  size_t fraction = static_cast<size_t>(-scaler);
  if (n <= fraction) {
    *p++ = '0';
    *p++ = '.';
    for (size_t i = n; i < fraction; ++i) *p++ = '0';
    while (n > 0) *p++ = digits[--n];
  } else {
    while (n > fraction) *p++ = digits[--n];
    *p++ = '.';
    while (n > 0) *p++ = digits[--n];
  }
  return static_cast<size_t>(p - out);
}

}  // namespace p1

#include "p1/output/exact_decimal.h"

namespace p1 {

size_t format_decimal(bool negative, uint64_t magnitude, int scaler, char* out) {
  char digits[20];
  size_t n = 0;
  // Meter values nearly always fit 32 bits, where division is much cheaper.
  while (magnitude > 0xFFFFFFFFu) {
    digits[n++] = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
  }
  uint32_t small = static_cast<uint32_t>(magnitude);
  do {
    digits[n++] = static_cast<char>('0' + small % 10);
    small /= 10;
  } while (small != 0);
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

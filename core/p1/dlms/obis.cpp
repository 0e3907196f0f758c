#include "p1/dlms/obis.h"

namespace p1 {

#if defined(P1_COMPACT_TABLES)
// The device: digits computed (no 1 KB table in RAM).
size_t Obis::to_dotted(char* out) const {
  char* p = out;
  for (int i = 0; i < 6; ++i) {
    unsigned b = v[i];
    if (b >= 100) *p++ = static_cast<char>('0' + b / 100);
    if (b >= 10) *p++ = static_cast<char>('0' + b / 10 % 10);
    *p++ = static_cast<char>('0' + b % 10);
    *p++ = '.';
  }
  return static_cast<size_t>(p - out - 1);
}
#else
namespace {
// Decimal text of every byte value; OBIS codes are printed for every value.
struct ByteText {
  char text[256][4];  // [0] = length, [1..3] = digits
  constexpr ByteText() : text() {
    for (int i = 0; i < 256; ++i) {
      int n = 0;
      if (i >= 100) text[i][1 + n++] = static_cast<char>('0' + i / 100);
      if (i >= 10) text[i][1 + n++] = static_cast<char>('0' + i / 10 % 10);
      text[i][1 + n++] = static_cast<char>('0' + i % 10);
      text[i][0] = static_cast<char>(n);
    }
  }
};
constexpr ByteText kByteText;
}  // namespace

size_t Obis::to_dotted(char* out) const {
  char* p = out;
  for (int i = 0; i < 6; ++i) {
    const char* t = kByteText.text[v[i]];
    // Copying all three digit slots is cheaper than a loop; p advances by the length.
    p[0] = t[1];
    p[1] = t[2];
    p[2] = t[3];
    p += t[0];
    *p++ = '.';
  }
  return static_cast<size_t>(p - out - 1);
}
#endif

}  // namespace p1

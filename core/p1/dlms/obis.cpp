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
// Decimal text of every byte value followed by the dot, and its length;
// OBIS codes are printed for every value.
struct ByteText {
  char text[256][4];
  uint8_t size[256];
  constexpr ByteText() : text(), size() {
    for (int i = 0; i < 256; ++i) {
      int n = 0;
      if (i >= 100) text[i][n++] = static_cast<char>('0' + i / 100);
      if (i >= 10) text[i][n++] = static_cast<char>('0' + i / 10 % 10);
      text[i][n++] = static_cast<char>('0' + i % 10);
      text[i][n++] = '.';
      size[i] = static_cast<uint8_t>(n);
    }
  }
};
constexpr ByteText kByteText;
}  // namespace

size_t Obis::to_dotted(char* out) const {
  char* p = out;
  for (int i = 0; i < 6; ++i) {
    // Four bytes at once, the unused ones overwritten by the next group (the
    // last group ends at most at out + 23, inside kDottedMax).
    std::memcpy(p, kByteText.text[v[i]], 4);
    p += kByteText.size[v[i]];
  }
  return static_cast<size_t>(p - out - 1);
}
#endif

}  // namespace p1

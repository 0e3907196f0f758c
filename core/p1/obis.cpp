#include "p1/obis.h"

namespace p1 {

size_t Obis::to_dotted(char* out) const {
  char* p = out;
  for (int i = 0; i < 6; ++i) {
    uint8_t x = v[i];
    if (x >= 100) *p++ = static_cast<char>('0' + x / 100);
    if (x >= 10) *p++ = static_cast<char>('0' + x / 10 % 10);
    *p++ = static_cast<char>('0' + x % 10);
    if (i < 5) *p++ = '.';
  }
  return static_cast<size_t>(p - out);
}

}  // namespace p1

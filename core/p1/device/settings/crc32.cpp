#include "p1/device/settings/crc32.h"

namespace p1 {

namespace {
struct Crc32Table {
  uint32_t v[256];
  constexpr Crc32Table() : v() {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int b = 0; b < 8; ++b) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      v[i] = c;
    }
  }
};
constexpr Crc32Table kTable;
}  // namespace

uint32_t crc32(ByteSpan data, uint32_t crc) {
  crc = ~crc;
  for (uint8_t b : data) crc = kTable.v[(crc ^ b) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

}  // namespace p1

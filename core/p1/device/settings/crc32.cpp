#include "p1/device/settings/crc32.h"

namespace p1 {

namespace {
#if defined(P1_COMPACT_TABLES)
// The device: a nibble at a time from 16 entries (64 bytes of RAM, not 1 KB).
struct Crc32Table {
  uint32_t v[16];
  constexpr Crc32Table() : v() {
    for (uint32_t i = 0; i < 16; ++i) {
      uint32_t c = i;
      for (int b = 0; b < 4; ++b) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      v[i] = c;
    }
  }
};
constexpr Crc32Table kTable;
uint32_t step(uint32_t crc, uint8_t b) {
  crc = kTable.v[(crc ^ b) & 0x0F] ^ (crc >> 4);
  return kTable.v[(crc ^ (b >> 4)) & 0x0F] ^ (crc >> 4);
}
#else
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
uint32_t step(uint32_t crc, uint8_t b) { return kTable.v[(crc ^ b) & 0xFF] ^ (crc >> 8); }
#endif
}  // namespace

uint32_t crc32(ByteSpan data, uint32_t crc) {
  crc = ~crc;
  for (uint8_t b : data) crc = step(crc, b);
  return ~crc;
}

}  // namespace p1

#include "p1/framing/crc16.h"

namespace p1 {

namespace {
// Both are reflected CRC-16s (x25: poly 0x1021 -> 0x8408; arc: 0x8005 -> 0xA001).
#if defined(P1_COMPACT_TABLES)
// The device: 16-entry tables, a nibble at a time (64 bytes of RAM, not 1 KB;
// a frame a second does not need the speed).
struct Crc16Table {
  uint16_t v[16];
  constexpr explicit Crc16Table(uint16_t reflected_poly) : v() {
    for (int i = 0; i < 16; ++i) {
      uint16_t crc = static_cast<uint16_t>(i);
      for (int b = 0; b < 4; ++b) crc = (crc & 1) ? static_cast<uint16_t>((crc >> 1) ^ reflected_poly) : static_cast<uint16_t>(crc >> 1);
      v[i] = crc;
    }
  }
};
constexpr Crc16Table kX25(0x8408);
constexpr Crc16Table kArc(0xA001);

uint16_t run(const Crc16Table& table, uint16_t crc, ByteSpan data) {
  for (uint8_t b : data) {
    crc = static_cast<uint16_t>((crc >> 4) ^ table.v[(crc ^ b) & 0x0F]);
    crc = static_cast<uint16_t>((crc >> 4) ^ table.v[(crc ^ (b >> 4)) & 0x0F]);
  }
  return crc;
}
#else
struct Crc16Table {
  uint16_t v[256];
  constexpr explicit Crc16Table(uint16_t reflected_poly) : v() {
    for (int i = 0; i < 256; ++i) {
      uint16_t crc = static_cast<uint16_t>(i);
      for (int b = 0; b < 8; ++b) crc = (crc & 1) ? static_cast<uint16_t>((crc >> 1) ^ reflected_poly) : static_cast<uint16_t>(crc >> 1);
      v[i] = crc;
    }
  }
};
constexpr Crc16Table kX25(0x8408);
constexpr Crc16Table kArc(0xA001);

uint16_t run(const Crc16Table& table, uint16_t crc, ByteSpan data) {
  for (uint8_t b : data) crc = static_cast<uint16_t>((crc >> 8) ^ table.v[(crc ^ b) & 0xFF]);
  return crc;
}
#endif
}  // namespace

uint16_t crc16_x25(ByteSpan data) { return static_cast<uint16_t>(run(kX25, 0xFFFF, data) ^ 0xFFFF); }

uint16_t crc16_arc(ByteSpan data) { return run(kArc, 0x0000, data); }

}  // namespace p1

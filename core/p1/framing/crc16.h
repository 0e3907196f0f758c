// The two CRC-16 variants meters use: CRC-16/X.25 for HDLC's HCS/FCS
// (IEC 62056-46) and CRC-16/ARC for DSMR telegrams' "!XXXX" line.
#pragma once
#include <cstdint>

#include "p1/base/span.h"

namespace p1 {

uint16_t crc16_x25(ByteSpan data);
uint16_t crc16_arc(ByteSpan data);

}  // namespace p1

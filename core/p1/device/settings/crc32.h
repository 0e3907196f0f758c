// CRC-32 (IEEE 802.3, as zlib): the checksum of stored settings records.
#pragma once
#include <cstdint>

#include "p1/base/span.h"

namespace p1 {

uint32_t crc32(ByteSpan data, uint32_t crc = 0);

}  // namespace p1

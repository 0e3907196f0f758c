// Capacities of every fixed buffer in the core, in one place. The largest
// real telegram of an Austrian meter we know is the Sagemcom T210-D-r's with
// DSMR text inside (511-byte APDU, 18 values). The host keeps room to spare
// (an HDLC frame may announce 2 KB); the device sets smaller figures from
// its build flags (firmware/platformio.ini: -DP1_DEVICE_CAPACITIES), sized
// from that telegram, because each byte here is a byte of its 80 KB.
#pragma once
#include <cstddef>

namespace p1 {

#if defined(P1_DEVICE_CAPACITIES)
#define P1_MAX_TELEGRAM 640  // 511-byte APDU + 25 %
#define P1_MAX_FRAME 640     // the same APDU unframed; M-Bus frames are <= 261 bytes
#define P1_MAX_VALUES 24     // 18 values + 33 %
#endif
#ifndef P1_MAX_TELEGRAM
#define P1_MAX_TELEGRAM 1024
#endif
#ifndef P1_MAX_FRAME
#define P1_MAX_FRAME (2048 + 2)  // HDLC: 11-bit length plus flags
#endif
#ifndef P1_MAX_VALUES
#define P1_MAX_VALUES 48
#endif

constexpr size_t kMaxTelegram = P1_MAX_TELEGRAM;  // reassembled APDU bytes
constexpr size_t kMaxValues = P1_MAX_VALUES;      // values in one reading
constexpr size_t kMaxFrame = P1_MAX_FRAME;        // one frame as buffered by the stream reader
constexpr size_t kMaxAxdrDepth = 8;               // nesting of structures/arrays

}  // namespace p1

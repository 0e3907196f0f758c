// Capacities of every fixed buffer in the core, in one place. Sized for the
// largest telegram of any Austrian meter we know (Sagemcom T210-D-r with DSMR
// text inside: 511-byte APDU) with room to spare.
#pragma once
#include <cstddef>

namespace p1 {

#ifndef P1_MAX_TELEGRAM
#define P1_MAX_TELEGRAM 1024
#endif
#ifndef P1_MAX_VALUES
#define P1_MAX_VALUES 48
#endif

constexpr size_t kMaxTelegram = P1_MAX_TELEGRAM;  // reassembled APDU bytes
constexpr size_t kMaxValues = P1_MAX_VALUES;      // values in one reading
constexpr size_t kMaxAxdrDepth = 8;               // nesting of structures/arrays

}  // namespace p1

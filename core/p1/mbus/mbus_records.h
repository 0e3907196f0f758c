// Every data record of an EN 13757-3 telegram into a Reading: numbers with
// their exponent and unit under their OBIS code, the meter clock (VIF 0x6D)
// as 0.0.1.0.0.255. Records of quantities an electricity meter has no OBIS
// code for are skipped; a VIF no table knows is refused (kMbusUnknownVif):
// its value would be guessed.
#pragma once
#include "p1/cosem/reading.h"

namespace p1 {

// Reading::layout of the readings decoded from EN 13757-3 records.
constexpr char kMbusRecordsLayout[] = "en13757-3";

// `manufacturer`: the three FLAG letters from the header (for the
// manufacturer-specific records). Text records point into `records`.
Error decode_mbus_records(MutableByteSpan records, const char manufacturer[3], Reading& out);

}  // namespace p1

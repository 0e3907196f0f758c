// DSMR text telegram inside the DLMS ciphering (Energienetze Steiermark,
// Sagemcom T210-D-r): "/EST5...", OBIS lines "1-0:1.8.0(00014159.934*kWh)",
// "!CRC" with CRC-16/ARC over '/' .. '!'. Decoded into the same Reading as
// A-XDR telegrams; kWh/kW/kvarh/kvar become Wh/W/varh/var by the scaler.
#pragma once
#include "p1/cosem/reading.h"

namespace p1 {

constexpr uint8_t kDsmrStart = '/';
// The layout name a DSMR reading carries.
constexpr char kDsmrLayout[] = "dsmr";

Error decode_dsmr(ByteSpan text, Reading& out);

}  // namespace p1

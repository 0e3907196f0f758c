// The unit an OBIS code's quantity is measured in (IEC 62056-6-1, value
// groups C and D for electricity), for values that arrive without a
// {scaler, unit}: flat OBIS/value lists and push lists whose registers'
// scaler_unit attribute is not among the captured attributes.
#pragma once
#include <cstdint>

#include "p1/dlms/obis.h"

namespace p1 {

// DLMS unit enumeration value (reading.h `Unit`), or 0 when the code names no
// physical quantity this knows.
uint8_t usual_unit(const Obis& obis);

}  // namespace p1

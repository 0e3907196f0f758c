// The OBIS code of an EN 13757-3 data record (IEC 62056-61 for electricity):
// quantity and direction give C (1/2 active, 3/4 reactive, 9/10 apparent,
// 11 current, 12 voltage, 14 frequency), the function D (7 instantaneous
// power, 6 maximum, 8 energy register), the tariff E, the storage number F
// (255 = the current value). Manufacturer-specific records are mapped by a
// table per manufacturer (record_obis.cpp), never guessed.
#pragma once
#include "p1/dlms/obis.h"
#include "p1/mbus/data_record.h"
#include "p1/mbus/vif_table.h"

namespace p1 {

// False when the record has no OBIS code (a quantity an electricity meter
// does not measure, a manufacturer record no table lists).
bool record_obis(const MbusRecord& record, const VifMeaning& meaning, const char manufacturer[3], Obis& out);

}  // namespace p1

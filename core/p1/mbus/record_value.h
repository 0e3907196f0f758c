// The value of one EN 13757-3 data record: a number (integer, BCD, real or
// a variable-length number) as sign, magnitude and decimal scaler, or a
// date-time of type F (CP32), I (CP48) or G (CP16, date only).
#pragma once
#include <cstdint>

#include "p1/dlms/date_time.h"
#include "p1/mbus/data_record.h"

namespace p1 {

struct MbusNumber {
  bool negative = false;
  uint64_t magnitude = 0;
  int8_t scaler = 0;  // from a real's decimal digits; 0 otherwise
};

// kMbusRecordMalformed for a digit that is not BCD, a real that is not a
// finite number or a number wider than 64 bits; kNone with `is_text` set
// for variable-length text (ASCII, reversed in place into reading order).
Error record_number(MbusRecord& record, MbusNumber& out, bool& is_text);

// Date-time in local time as the meter shows it: there is no UTC offset in
// these types. kDateTimeInvalid for a length no type has, a field out of
// range or the invalid bit set.
Error record_date_time(const MbusRecord& record, DlmsDateTime& out);

}  // namespace p1

#include "p1/mbus/mbus_records.h"

#include "p1/mbus/record_obis.h"
#include "p1/mbus/record_value.h"
#include "p1/mbus/vif_table.h"

namespace p1 {

Error decode_mbus_records(MutableByteSpan records, const char manufacturer[3], Reading& out) {
  MbusRecordReader reader(records);
  for (;;) {
    MbusRecord record;
    bool done = false;
    Error error = reader.next(record, done);
    if (error != Error::kNone) return error;
    if (done) return Error::kNone;
    if (record.vif_size == 0) continue;  // a readout request
    VifMeaning meaning = interpret_vif(record);
    if (meaning.quantity == MbusQuantity::kUnknown) return Error::kMbusUnknownVif;
    if (meaning.quantity == MbusQuantity::kOther || record.coding == MbusCoding::kNone) continue;
    Obis obis;
    if (!record_obis(record, meaning, manufacturer, obis)) continue;
    ReadingValue value;
    value.obis = obis;
    if (meaning.quantity == MbusQuantity::kDateTime) {
      error = record_date_time(record, value.time);
      if (error != Error::kNone) return error;
      value.kind = ReadingValue::Kind::kDateTime;
    } else {
      MbusNumber number;
      bool is_text = false;
      error = record_number(record, number, is_text);
      if (error != Error::kNone) return error;
      if (is_text) {
        value.kind = ReadingValue::Kind::kText;
        value.text = record.data;
      } else {
        int scaler = meaning.exponent + number.scaler;
        if (scaler < -128 || scaler > 127) return Error::kMbusRecordMalformed;
        value.negative = number.negative && number.magnitude != 0;
        value.magnitude = number.magnitude;
        value.scaler = static_cast<int8_t>(scaler);
        value.unit = meaning.unit;
      }
    }
    error = out.add(value);
    if (error != Error::kNone) return error;
  }
}

}  // namespace p1

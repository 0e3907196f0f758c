#include "p1/cosem/reading.h"

namespace p1 {

const char* unit_symbol(uint8_t unit) {
  switch (static_cast<Unit>(unit)) {
    case Unit::kWatt: return "W";
    case Unit::kVoltAmpere: return "VA";
    case Unit::kVar: return "var";
    case Unit::kWattHour: return "Wh";
    case Unit::kVoltAmpereHour: return "VAh";
    case Unit::kVarHour: return "varh";
    case Unit::kAmpere: return "A";
    case Unit::kVolt: return "V";
    case Unit::kHertz: return "Hz";
    case Unit::kDegree: return "deg";
    default: return "";
  }
}

double ReadingValue::number() const {
  double v = static_cast<double>(magnitude);
  for (int s = scaler; s > 0; --s) v *= 10.0;
  for (int s = scaler; s < 0; ++s) v /= 10.0;
  return negative ? -v : v;
}

void Reading::clear() {
  count = 0;
  has_header_time = false;
  frame_counter = 0;
  security_control = 0;
  tag_checked = false;
  layout = "";
  plaintext = ByteSpan();
  body = ByteSpan();
}

Error Reading::add(const ReadingValue& value) {
  if (count == kMaxValues) return Error::kTooManyValues;
  values[count++] = value;
  return Error::kNone;
}

Error Reading::add_clock(const DlmsDateTime& time) {
  ReadingValue value;
  value.obis = obis::kClock;
  value.kind = ReadingValue::Kind::kDateTime;
  value.time = time;
  return add(value);
}

const ReadingValue* Reading::find(const Obis& obis) const {
  for (size_t i = 0; i < count; ++i) {
    if (values[i].obis == obis) return &values[i];
  }
  return nullptr;
}

const ReadingValue* Reading::clock() const {
  for (size_t i = 0; i < count; ++i) {
    if (values[i].kind == ReadingValue::Kind::kDateTime && obis::is_clock(values[i].obis)) return &values[i];
  }
  return nullptr;
}

const DlmsDateTime* Reading::timestamp() const {
  const ReadingValue* value = clock();
  if (value != nullptr) return &value->time;
  return has_header_time ? &header_time : nullptr;
}

}  // namespace p1

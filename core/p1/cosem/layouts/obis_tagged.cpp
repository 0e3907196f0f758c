#include "p1/cosem/layouts/obis_tagged.h"

#include "p1/cosem/obis_units.h"

namespace p1 {

bool make_reading_value(const Obis& obis, const AxdrToken& token, int8_t scaler, uint8_t unit, ReadingValue& out) {
  out.obis = obis;
  if (token.is_integer()) {
    // Every field a number has, without resetting the rest (the date-time
    // means nothing for a number): this runs for every register.
    out.kind = ReadingValue::Kind::kNumber;
    out.magnitude = token.magnitude;
    out.negative = token.negative;
    out.scaler = scaler;
    out.unit = unit;
    out.text = ByteSpan();
    return true;
  }
  out = ReadingValue();
  out.obis = obis;
  if (token.type == AxdrType::kDateTime ||
      (token.is_octets(DlmsDateTime::kSize) && obis::is_clock(obis) && DlmsDateTime::parse(token.bytes, out.time))) {
    if (token.type == AxdrType::kDateTime && !DlmsDateTime::parse(token.bytes, out.time)) return false;
    out.kind = ReadingValue::Kind::kDateTime;
    return true;
  }
  if (token.is_string()) {
    out.kind = ReadingValue::Kind::kText;
    out.text = token.bytes;
    return true;
  }
  return false;
}

namespace {

// Builds the value in its slot of the reading (no copy: this runs for every
// value of every telegram).
Error add_value(const Obis& obis, const AxdrToken& token, int8_t scaler, uint8_t unit, Reading& out) {
  if (out.count == kMaxValues) {
    ReadingValue value;
    return make_reading_value(obis, token, scaler, unit, value) ? Error::kTooManyValues : Error::kNone;
  }
  if (make_reading_value(obis, token, scaler, unit, out.values[out.count])) ++out.count;
  return Error::kNone;
}

// {OBIS, value[, {scaler, unit}]} whose header was just read.
Error read_nested(AxdrReader& reader, uint32_t count, Reading& out) {
  auto first = reader.peek();
  if (!first) return first.error();
  if (count < 2 || count > 3 || !first->is_octets(6)) {
    // Not a register: skip its elements.
    for (uint32_t i = 0; i < count; ++i) {
      Error e = reader.skip();
      if (e != Error::kNone) return e;
    }
    return Error::kNone;
  }
  reader.next();
  Obis obis = Obis::from_bytes(first->bytes);
  auto value = reader.next();
  if (!value) return value.error();
  if (value->is_container()) {
    // A compound value (e.g. a capture list) is not a reading; skip its body.
    for (uint32_t i = 0; i < value->count; ++i) {
      Error e = reader.skip();
      if (e != Error::kNone) return e;
    }
    return count == 3 ? reader.skip() : Error::kNone;
  }
  int8_t scaler = 0;
  uint8_t unit = 0;
  if (count == 3 && !reader.read_scaler_unit(scaler, unit)) {
    Error e = reader.skip();
    if (e != Error::kNone) return e;
  }
  if (count == 2) unit = usual_unit(obis);
  return add_value(obis, *value, scaler, unit, out);
}

}  // namespace

Error walk_obis_tagged(AxdrReader& reader, uint32_t count, const TaggedWalkOptions& options, Reading& out) {
  Obis pending;
  bool have_obis = false;
  while (count > 0) {
    auto token = reader.next();
    if (!token) return token.error();
    --count;
    if (token->is_container()) {
      if (have_obis) {
        // The value of the pending OBIS is compound: not a reading.
        have_obis = false;
        for (uint32_t i = 0; i < token->count; ++i) {
          Error e = reader.skip();
          if (e != Error::kNone) return e;
        }
        continue;
      }
      Error e = token->type == AxdrType::kStructure ? read_nested(reader, token->count, out) : Error::kNone;
      if (token->type != AxdrType::kStructure) {
        for (uint32_t i = 0; i < token->count && e == Error::kNone; ++i) e = reader.skip();
      }
      if (e != Error::kNone) return e;
      continue;
    }
    if (!have_obis && token->is_octets(6) && count > 0) {
      pending = Obis::from_bytes(token->bytes);
      have_obis = true;
      continue;
    }
    if (have_obis) {
      have_obis = false;
      int8_t scaler = 0;
      uint8_t unit = 0;
      if (count > 0 && reader.read_scaler_unit(scaler, unit)) {
        --count;
      } else {
        unit = usual_unit(pending);
      }
      Error e = add_value(pending, *token, scaler, unit, out);
      if (e != Error::kNone) return e;
      continue;
    }
    // A value without an OBIS code before it.
    DlmsDateTime time;
    if (options.bare_datetime_is_clock && token->is_octets(DlmsDateTime::kSize) &&
        DlmsDateTime::parse(token->bytes, time) && out.find(obis::kClock) == nullptr) {
      Error e = out.add_clock(time);
      if (e != Error::kNone) return e;
    } else if (options.bare_string_is_meter_number && token->is_string() && out.find(obis::kMeterNumber) == nullptr) {
      Error e = add_value(obis::kMeterNumber, *token, 0, 0, out);
      if (e != Error::kNone) return e;
    }
  }
  return Error::kNone;
}

}  // namespace p1

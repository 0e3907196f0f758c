// Matching and decoding of the positional profiles (positional.h); the
// profiles themselves are data in profiles.cpp.
#include "p1/cosem/layouts/layout_entry_points.h"
#include "p1/cosem/layouts/obis_tagged.h"
#include "p1/cosem/layouts/positional.h"

namespace p1 {

namespace {

using Kind = PositionalField::Kind;

bool field_accepts(const PositionalProfile& profile, const PositionalField& field, const AxdrToken& token) {
  switch (field.kind) {
    case Kind::kClock:
      return token.is_octets(DlmsDateTime::kSize) || token.type == AxdrType::kDateTime;
    case Kind::kTime:
      return token.is_octets(4) || token.type == AxdrType::kTime;
    case Kind::kDate:
      return token.is_octets(5) || token.type == AxdrType::kDate;
    case Kind::kListId:
      return token.is_octets(6) && Obis::from_bytes(token.bytes) == profile.list_id;
    case Kind::kMeterNumber:
    case Kind::kText:
      return token.is_string();
    case Kind::kNumber:
      return token.is_integer();
  }
  return false;
}

}  // namespace

bool positional_matches(const BodyLayout& self, const BodyContext& context) {
  const PositionalProfile profile = flash_read(*static_cast<const PositionalProfile*>(self.profile));
  if (!manufacturer_is(context, profile.manufacturers)) return false;
  AxdrReader reader(context.body);
  auto top = reader.next();
  if (!top || top->type != AxdrType::kStructure) return false;
  if (top->count > profile.count || top->count + profile.optional_tail < profile.count) return false;
  for (uint32_t i = 0; i < top->count; ++i) {
    auto token = reader.next();
    if (!token || token->is_container() || !field_accepts(profile, flash_read(profile.fields[i]), *token)) return false;
  }
  return true;
}

Error positional_decode(const BodyLayout& self, const BodyContext&, AxdrReader& reader, Reading& out) {
  const PositionalProfile profile = flash_read(*static_cast<const PositionalProfile*>(self.profile));
  auto top = reader.next();
  if (!top) return top.error();
  if (top->count > profile.count) return Error::kUnknownLayout;
  DlmsDateTime clock;
  bool has_time = false;
  bool has_date = false;
  for (uint32_t i = 0; i < top->count; ++i) {
    auto token = reader.next();
    if (!token) return token.error();
    const PositionalField field = flash_read(profile.fields[i]);
    if (token->is_container() || !field_accepts(profile, field, *token)) return Error::kUnknownLayout;
    ReadingValue value;
    switch (field.kind) {
      case Kind::kListId:
        continue;
      case Kind::kTime:
        if (!DlmsDateTime::parse_time(token->bytes, clock)) return Error::kDateTimeInvalid;
        has_time = true;
        continue;
      case Kind::kDate:
        if (!DlmsDateTime::parse_date(token->bytes, clock)) return Error::kDateTimeInvalid;
        has_date = true;
        continue;
      case Kind::kClock:
        if (!make_reading_value(obis::kClock, *token, 0, 0, value) || value.kind != ReadingValue::Kind::kDateTime) {
          return Error::kDateTimeInvalid;
        }
        break;
      case Kind::kMeterNumber:
        make_reading_value(obis::kMeterNumber, *token, 0, 0, value);
        break;
      case Kind::kText:
      case Kind::kNumber:
        make_reading_value(field.obis, *token, field.scaler, field.unit, value);
        break;
    }
    Error e = out.add(value);
    if (e != Error::kNone) return e;
  }
  if (has_time && has_date) {
    // Separate time and date carry no UTC offset; the notification header
    // does, and names the same moment.
    const DlmsDateTime& h = out.header_time;
    if (out.has_header_time && h.year == clock.year && h.month == clock.month && h.day == clock.day &&
        h.hour == clock.hour && h.minute == clock.minute && h.second == clock.second) {
      clock.deviation = h.deviation;
      clock.status = h.status;
    }
    Error e = out.add_clock(clock);
    if (e != Error::kNone) return e;
  }
  return Error::kNone;
}

}  // namespace p1

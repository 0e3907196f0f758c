// Push lists that describe themselves (DLMS Blue Book, push setup, interface
// class 40): a push sends the attributes of its push_object_list in order.
// When that list is itself among the pushed attributes, the body carries the
// capture-object definitions
//   {class_id long-unsigned, logical_name octet-string(6), attribute_index integer, data_index long-unsigned}
// and every other element of the body is the attribute its definition names:
// a register's value (class 3/4 attribute 2, class 5 attributes 2/3), its
// {scaler, unit} (class 3/4 attribute 3, class 5 attribute 4), the clock's
// time (class 8 attribute 2), a data object's value (class 1 attribute 2), a
// logical name (attribute 1)... The definitions cover the body's elements in
// order and end with its last element; the ones before the values are the
// list itself (and an optional bare date-time before it, the meter clock).
// The values may also sit in one structure/array after the list.
// A value whose {scaler, unit} is not pushed gets the OBIS code's usual unit.
#include "p1/cosem/layouts/layout_entry_points.h"
#include "p1/cosem/layouts/obis_tagged.h"
#include "p1/cosem/obis_units.h"

namespace p1 {

namespace {

constexpr uint16_t kClassData = 1;
constexpr uint16_t kClassRegister = 3;
constexpr uint16_t kClassExtendedRegister = 4;
constexpr uint16_t kClassDemandRegister = 5;
constexpr uint16_t kClassClock = 8;
constexpr uint16_t kClassPushSetup = 40;

struct CaptureObject {
  Obis obis;
  uint16_t class_id;
  int8_t attribute;
};

bool is_scaler_unit(const CaptureObject& c) {
  return ((c.class_id == kClassRegister || c.class_id == kClassExtendedRegister) && c.attribute == 3) ||
         (c.class_id == kClassDemandRegister && c.attribute == 4);
}

bool is_value(const CaptureObject& c) {
  switch (c.class_id) {
    case kClassData:
    case kClassRegister:
    case kClassExtendedRegister:
      return c.attribute == 2;
    case kClassDemandRegister:
      return c.attribute == 2 || c.attribute == 3;
    case kClassClock:
      return c.attribute == 2;
    default:
      // Other classes' attribute 2 is their value too (e.g. a register
      // monitor's); logical names (attribute 1) and the rest are not.
      return c.attribute == 2 && c.class_id != kClassPushSetup;
  }
}

bool is_definition_start(const AxdrToken& entry, const AxdrReader& after) {
  if (entry.type != AxdrType::kStructure || entry.count != 4) return false;
  AxdrReader probe = after;
  auto class_id = probe.next();
  auto obis = probe.next();
  auto attribute = probe.next();
  return class_id && obis && attribute && class_id->is_integer() && obis->is_octets(6) && attribute->is_integer();
}

// Reads the definitions of the array whose header was just consumed.
Error read_capture_list(AxdrReader& reader, uint32_t count, CaptureObject* list) {
  if (count > kMaxValues) return Error::kTooManyValues;
  for (uint32_t i = 0; i < count; ++i) {
    auto entry = reader.next();
    if (!entry) return entry.error();
    if (!is_definition_start(*entry, reader)) return Error::kUnknownLayout;
    auto class_id = reader.next();
    auto obis = reader.next();
    auto attribute = reader.next();
    auto index = reader.next();
    if (!class_id || !obis || !attribute || !index) return Error::kApduTruncated;
    if (!index->is_integer() || class_id->magnitude > 0xFFFF || attribute->as_int() < -128 ||
        attribute->as_int() > 127) {
      return Error::kUnknownLayout;
    }
    list[i].obis = Obis::from_bytes(obis->bytes);
    list[i].class_id = static_cast<uint16_t>(class_id->magnitude);
    list[i].attribute = static_cast<int8_t>(attribute->as_int());
  }
  return Error::kNone;
}

// Where the capture list sits: after an optional bare date-time.
bool capture_list_header(AxdrReader& reader, AxdrToken& top, bool& leading_clock, AxdrToken& list) {
  auto t = reader.next();
  if (!t || t->type != AxdrType::kStructure || t->count < 2) return false;
  top = *t;
  auto first = reader.next();
  if (!first) return false;
  leading_clock = first->is_octets(DlmsDateTime::kSize);
  if (leading_clock) {
    first = reader.next();
    if (!first) return false;
  }
  if (first->type != AxdrType::kArray || first->count == 0) return false;
  auto entry = reader.peek();
  if (!entry) return false;
  AxdrReader after = reader;
  after.next();
  list = *first;
  return is_definition_start(*entry, after);
}

}  // namespace

bool capture_list_matches(const BodyLayout&, const BodyContext& context) {
  AxdrReader reader(context.body);
  AxdrToken top;
  AxdrToken list;
  bool leading_clock = false;
  return capture_list_header(reader, top, leading_clock, list);
}

Error capture_list_decode(const BodyLayout&, const BodyContext&, AxdrReader& reader, Reading& out) {
  AxdrToken top;
  AxdrToken list_header;
  bool leading_clock = false;
  AxdrReader start = reader;
  if (!capture_list_header(reader, top, leading_clock, list_header)) return Error::kUnknownLayout;
  if (leading_clock) {
    AxdrReader clock_reader = start;
    clock_reader.next();
    auto clock = clock_reader.next();
    ReadingValue value;
    if (clock && make_reading_value(obis::kClock, *clock, 0, 0, value)) {
      Error e = out.add(value);
      if (e != Error::kNone) return e;
    }
  }
  CaptureObject list[kMaxValues];
  const uint32_t defined = list_header.count;
  Error e = read_capture_list(reader, defined, list);
  if (e != Error::kNone) return e;

  // The elements after the list, flat or inside one container. The
  // definitions end with the last element; those before the values describe
  // the list itself (and the date-time), never a value.
  const uint32_t before = leading_clock ? 2u : 1u;  // elements up to and including the list
  uint32_t values = top.count - before;
  if (values == 1) {
    auto peeked = reader.peek();
    if (peeked && peeked->is_container() && peeked->count <= defined && defined - peeked->count <= before) {
      reader.next();
      values = peeked->count;
    }
  }
  if (values > defined || defined - values > before) return Error::kUnknownLayout;
  for (uint32_t i = 0; i < defined - values; ++i) {
    bool self = list[i].class_id == kClassPushSetup && list[i].attribute == 2;
    bool clock = list[i].class_id == kClassClock && list[i].attribute == 2 && leading_clock;
    if (!self && !clock) return Error::kUnknownLayout;
  }
  const CaptureObject* defs = list + (defined - values);

  // First pass: the {scaler, unit} attributes, wherever they come.
  int8_t scaler[kMaxValues] = {};
  uint8_t unit[kMaxValues] = {};
  bool scaled[kMaxValues] = {};
  AxdrReader values_start = reader;
  for (uint32_t i = 0; i < values; ++i) {
    // The list itself sits before the values, never among them.
    if (defs[i].class_id == kClassPushSetup && defs[i].attribute == 2) return Error::kUnknownLayout;
    if (is_scaler_unit(defs[i])) {
      if (!reader.read_scaler_unit(scaler[i], unit[i])) return Error::kUnknownLayout;
      scaled[i] = true;
      continue;
    }
    e = reader.skip();
    if (e != Error::kNone) return e;
  }
  reader = values_start;

  for (uint32_t i = 0; i < values; ++i) {
    const CaptureObject& def = defs[i];
    if (!is_value(def)) {
      e = reader.skip();
      if (e != Error::kNone) return e;
      continue;
    }
    auto token = reader.next();
    if (!token) return token.error();
    if (token->is_container()) {
      // A compound attribute (a profile's buffer...) is not one reading.
      for (uint32_t k = 0; k < token->count && e == Error::kNone; ++k) e = reader.skip();
      if (e != Error::kNone) return e;
      continue;
    }
    int8_t value_scaler = 0;
    uint8_t value_unit = usual_unit(def.obis);
    for (uint32_t k = 0; k < values; ++k) {
      if (scaled[k] && defs[k].obis == def.obis) {
        value_scaler = scaler[k];
        value_unit = unit[k];
        break;
      }
    }
    if (def.class_id == kClassClock && token->is_octets(DlmsDateTime::kSize)) {
      DlmsDateTime time;
      if (!DlmsDateTime::parse(token->bytes, time)) return Error::kDateTimeInvalid;
      ReadingValue clock;
      clock.obis = def.obis;
      clock.kind = ReadingValue::Kind::kDateTime;
      clock.time = time;
      e = out.add(clock);
      if (e != Error::kNone) return e;
      continue;
    }
    ReadingValue value;
    if (!make_reading_value(def.obis, *token, value_scaler, value_unit, value)) continue;
    e = out.add(value);
    if (e != Error::kNone) return e;
  }
  return Error::kNone;
}

}  // namespace p1

// Telegrams that describe themselves (seen on Landis+Gyr E450 push setups):
// the body first carries the list of captured objects, an array of
//   {class-id long-unsigned, OBIS octet-string(6), attribute integer, data-index long-unsigned}
// and then the values in that order, either as the following elements of the
// body or inside one following structure/array. An optional bare date-time
// before the list is the meter clock.
#include "p1/cosem/layouts/layout_entry_points.h"
#include "p1/cosem/layouts/obis_tagged.h"

namespace p1 {

namespace {

// Reads the capture list whose array header was just consumed.
Error read_capture_list(AxdrReader& reader, uint32_t count, Obis* list, size_t& size) {
  if (count > kMaxValues) return Error::kTooManyValues;
  for (uint32_t i = 0; i < count; ++i) {
    auto entry = reader.next();
    if (!entry) return entry.error();
    if (entry->type != AxdrType::kStructure || entry->count != 4) return Error::kUnknownLayout;
    auto class_id = reader.next();
    auto obis = reader.next();
    auto attribute = reader.next();
    auto index = reader.next();
    if (!class_id || !obis || !attribute || !index) return Error::kApduTruncated;
    if (!class_id->is_integer() || !obis->is_octets(6) || !attribute->is_integer() || !index->is_integer()) {
      return Error::kUnknownLayout;
    }
    list[i] = Obis::from_bytes(obis->bytes);
  }
  size = count;
  return Error::kNone;
}

bool is_capture_list_header(const AxdrToken& array, const AxdrReader& after) {
  if (array.type != AxdrType::kArray || array.count == 0) return false;
  AxdrReader probe = after;
  auto entry = probe.next();
  if (!entry || entry->type != AxdrType::kStructure || entry->count != 4) return false;
  auto class_id = probe.next();
  auto obis = probe.next();
  return class_id && obis && class_id->is_integer() && obis->is_octets(6);
}

}  // namespace

bool capture_list_matches(const BodyLayout&, const BodyContext& context) {
  AxdrReader reader(context.body);
  auto top = reader.next();
  if (!top || top->type != AxdrType::kStructure || top->count < 2) return false;
  auto first = reader.next();
  if (!first) return false;
  if (first->is_octets(DlmsDateTime::kSize)) {
    first = reader.next();
    if (!first) return false;
  }
  return is_capture_list_header(*first, reader);
}

Error capture_list_decode(const BodyLayout&, const BodyContext&, AxdrReader& reader, Reading& out) {
  auto top = reader.next();
  if (!top) return top.error();
  uint32_t remaining = top->count;
  auto first = reader.next();
  if (!first) return first.error();
  --remaining;
  if (first->is_octets(DlmsDateTime::kSize)) {
    ReadingValue clock;
    if (make_reading_value(obis::kClock, *first, 0, 0, clock)) {
      Error e = out.add(clock);
      if (e != Error::kNone) return e;
    }
    first = reader.next();
    if (!first) return first.error();
    --remaining;
  }
  Obis list[kMaxValues];
  size_t size = 0;
  Error e = read_capture_list(reader, first->count, list, size);
  if (e != Error::kNone) return e;
  // Values either follow flat, or sit in one container.
  if (remaining == 1) {
    auto peeked = reader.peek();
    if (peeked && peeked->is_container()) {
      reader.next();
      remaining = peeked->count;
    }
  }
  if (remaining != size) return Error::kUnknownLayout;
  for (size_t i = 0; i < size; ++i) {
    auto token = reader.next();
    if (!token) return token.error();
    if (token->is_container()) return Error::kUnknownLayout;
    int8_t scaler = 0;
    uint8_t unit = 0;
    ReadingValue value;
    if (!make_reading_value(list[i], *token, scaler, unit, value)) continue;
    e = out.add(value);
    if (e != Error::kNone) return e;
  }
  return Error::kNone;
}

}  // namespace p1

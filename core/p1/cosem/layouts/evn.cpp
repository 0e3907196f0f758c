// EVN / Netz NÖ (Kaifa MA309M, Sagemcom T210-D): one flat structure
//   date-time, { OBIS, value, {scaler, unit} } x n (flattened), meter number
// where the date-time and the meter number come without OBIS codes.
// Flat OBIS/value lists in general (Landis+Gyr E450, Kamstrup) are the same
// walk: pairs with or without {scaler, unit}, any B-field, and before the
// first pair an optional list identifier (a visible-string or octet-string
// naming the list, e.g. Kamstrup's "Kamstrup_V0001") besides the optional
// date-time, in either order.
#include "p1/cosem/layouts/layout_entry_points.h"
#include "p1/cosem/layouts/obis_tagged.h"

namespace p1 {

namespace {
// A string before the first OBIS code that is neither an OBIS code nor a
// date-time: the push list's name, not a value.
bool is_list_id(const AxdrToken& token) {
  return token.is_string() && !token.is_octets(6) && !token.is_octets(DlmsDateTime::kSize);
}

// Consumes the optional leading date-time and list identifier (at most one
// of each, either order) of a body with `count` elements; returns how many it
// consumed and sets `clock` to the date-time's bytes if there was one.
uint32_t consume_leading(AxdrReader& reader, uint32_t count, ByteSpan& clock) {
  uint32_t consumed = 0;
  bool have_id = false;
  while (consumed < count) {
    AxdrReader ahead = reader;
    auto token = ahead.next();
    if (!token) break;
    if (clock.empty() && token->is_octets(DlmsDateTime::kSize)) {
      clock = token->bytes;
    } else if (!have_id && is_list_id(*token)) {
      have_id = true;
    } else {
      break;
    }
    reader = ahead;
    ++consumed;
  }
  return consumed;
}

// Shape shared by both: [date-time] [list id], OBIS, value, ... Returns true
// and tells whether the first value is followed by a {scaler, unit} structure.
bool flat_shape(const BodyContext& context, bool& has_scaler) {
  AxdrReader reader(context.body);
  auto top = reader.next();
  if (!top || !top->is_container() || top->count < 2) return false;
  ByteSpan clock;
  uint32_t remaining = top->count - consume_leading(reader, top->count, clock);
  auto first = reader.next();
  if (!first || remaining < 2 || !first->is_octets(6)) return false;
  auto value = reader.next();
  if (!value || value->is_container()) return false;
  int8_t scaler = 0;
  uint8_t unit = 0;
  has_scaler = reader.read_scaler_unit(scaler, unit);
  return true;
}
}  // namespace

bool evn_matches(const BodyLayout&, const BodyContext& context) {
  bool has_scaler = false;
  return flat_shape(context, has_scaler) && has_scaler;
}

bool obis_flat_matches(const BodyLayout&, const BodyContext& context) {
  bool has_scaler = false;
  return flat_shape(context, has_scaler) && !has_scaler;
}

Error flat_tagged_decode(const BodyLayout&, const BodyContext&, AxdrReader& reader, Reading& out) {
  auto top = reader.next();
  if (!top) return top.error();
  ByteSpan clock;
  uint32_t remaining = top->count - consume_leading(reader, top->count, clock);
  DlmsDateTime time;
  if (!clock.empty() && DlmsDateTime::parse(clock, time)) {
    Error e = out.add_clock(time);
    if (e != Error::kNone) return e;
  }
  TaggedWalkOptions options;
  options.bare_datetime_is_clock = true;  // a date-time later in the body, as before
  options.bare_string_is_meter_number = true;
  return walk_obis_tagged(reader, remaining, options, out);
}

}  // namespace p1

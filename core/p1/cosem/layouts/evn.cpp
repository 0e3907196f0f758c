// EVN / Netz NÖ (Kaifa MA309M, Sagemcom T210-D): one flat structure
//   date-time, { OBIS, value, {scaler, unit} } x n (flattened), meter number
// where the date-time and the meter number come without OBIS codes.
// Flat OBIS/value pairs without scaler (Landis+Gyr E450, Kamstrup) are the
// same walk without the scaler structures.
#include "p1/cosem/layouts/layout_entry_points.h"
#include "p1/cosem/layouts/obis_tagged.h"

namespace p1 {

namespace {
// Shape shared by both: [date-time], OBIS, value, ... Returns true and tells
// whether the first value is followed by a {scaler, unit} structure.
bool flat_shape(const BodyContext& context, bool& has_scaler) {
  AxdrReader reader(context.body);
  auto top = reader.next();
  if (!top || !top->is_container() || top->count < 2) return false;
  auto first = reader.next();
  if (!first) return false;
  if (first->is_octets(DlmsDateTime::kSize)) {
    first = reader.next();
    if (!first) return false;
  }
  if (!first->is_octets(6)) return false;
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
  TaggedWalkOptions options;
  options.bare_datetime_is_clock = true;
  options.bare_string_is_meter_number = true;
  return walk_obis_tagged(reader, top->count, options, out);
}

}  // namespace p1

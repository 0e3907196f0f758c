// EVN / Netz NÖ (Kaifa MA309M, Sagemcom T210-D): one flat structure
//   date-time, { OBIS, value, {scaler, unit} } x n (flattened), meter number
// where the date-time and the meter number come without OBIS codes.
#include "p1/layouts/layouts.h"
#include "p1/layouts/obis_tagged.h"

namespace p1 {

bool evn_matches(const BodyContext& context) {
  AxdrReader reader(context.body);
  auto top = reader.next();
  if (!top || top->type != AxdrType::kStructure || top->count < 3) return false;
  auto clock = reader.next();
  auto first_obis = reader.next();
  return clock && first_obis && clock->is_octets(DlmsDateTime::kSize) && first_obis->is_octets(6);
}

Error evn_decode(const BodyContext&, AxdrReader& reader, Reading& out) {
  auto top = reader.next();
  if (!top) return top.error();
  TaggedWalkOptions options;
  options.bare_datetime_is_clock = true;
  options.bare_string_is_meter_number = true;
  return walk_obis_tagged(reader, top->count, options, out);
}

}  // namespace p1

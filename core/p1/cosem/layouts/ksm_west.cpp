// KSM-West (TINETZ, Salzburg Netz, Vorarlberg Netz, IKB; Kaifa MA309):
//   OBIS 0.0.1.0.0.255, date-time,
//   {OBIS, octet-string} for meter number and device name,
//   {OBIS, value, {scaler, unit}} for each measurement.
#include "p1/cosem/layouts/layout_entry_points.h"
#include "p1/cosem/layouts/obis_tagged.h"

namespace p1 {

bool ksm_west_matches(const BodyLayout&, const BodyContext& context) {
  AxdrReader reader(context.body);
  auto top = reader.next();
  if (!top || top->type != AxdrType::kStructure || top->count < 3) return false;
  auto clock_obis = reader.next();
  if (!clock_obis || !clock_obis->is_octets(6) || reader.skip() != Error::kNone) return false;
  auto first_register = reader.next();
  return first_register && first_register->type == AxdrType::kStructure;
}

Error ksm_west_decode(const BodyLayout&, const BodyContext&, AxdrReader& reader, Reading& out) {
  auto top = reader.next();
  if (!top) return top.error();
  return walk_obis_tagged(reader, top->count, TaggedWalkOptions(), out);
}

}  // namespace p1

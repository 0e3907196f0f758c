#include <cstring>

#include "p1/layouts/layouts.h"

namespace p1 {

namespace {
const BodyLayout kLayouts[] = {
    {"evn", "EVN/Netz NÖ: flat date-time, OBIS/value/scaler triples, meter number", evn_matches, evn_decode},
    {"ksm-west", "TINETZ, Salzburg, Vorarlberg, IKB: nested {OBIS, value, {scaler, unit}} structures",
     ksm_west_matches, ksm_west_decode},
};
}  // namespace

Span<const BodyLayout> body_layouts() { return Span<const BodyLayout>(kLayouts); }

const BodyLayout* find_body_layout(const char* name) {
  for (const BodyLayout& layout : kLayouts) {
    if (std::strcmp(layout.name, name) == 0) return &layout;
  }
  return nullptr;
}

const BodyLayout* detect_body_layout(const BodyContext& context) {
  for (const BodyLayout& layout : kLayouts) {
    if (layout.matches(context)) return &layout;
  }
  return nullptr;
}

}  // namespace p1

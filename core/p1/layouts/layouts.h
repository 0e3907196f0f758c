// Entry points of each layout, gathered by the table in registry.cpp.
#pragma once
#include "p1/layouts/body_layout.h"

namespace p1 {

bool evn_matches(const BodyContext& context);
Error evn_decode(const BodyContext& context, AxdrReader& reader, Reading& out);

bool ksm_west_matches(const BodyContext& context);
Error ksm_west_decode(const BodyContext& context, AxdrReader& reader, Reading& out);

}  // namespace p1

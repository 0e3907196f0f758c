// Entry points of each layout, gathered by the table in registry.cpp.
#pragma once
#include "p1/cosem/layouts/body_layout.h"

namespace p1 {

bool evn_matches(const BodyLayout& self, const BodyContext& context);
bool obis_flat_matches(const BodyLayout& self, const BodyContext& context);
// EVN and flat OBIS/value pairs share one decoder (OBIS-tagged walk).
Error flat_tagged_decode(const BodyLayout& self, const BodyContext& context, AxdrReader& reader, Reading& out);

bool ksm_west_matches(const BodyLayout& self, const BodyContext& context);
Error ksm_west_decode(const BodyLayout& self, const BodyContext& context, AxdrReader& reader, Reading& out);

bool capture_list_matches(const BodyLayout& self, const BodyContext& context);
Error capture_list_decode(const BodyLayout& self, const BodyContext& context, AxdrReader& reader, Reading& out);

// Positional profiles: `self.profile` points to a PositionalProfile.
bool positional_matches(const BodyLayout& self, const BodyContext& context);
Error positional_decode(const BodyLayout& self, const BodyContext& context, AxdrReader& reader, Reading& out);

}  // namespace p1

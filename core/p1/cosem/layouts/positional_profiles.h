// The positional profiles defined in profiles.cpp.
#pragma once
#include "p1/cosem/layouts/positional.h"

namespace p1 {

extern const PositionalProfile kWienerNetzeProfile;
extern const PositionalProfile kWienerNetzeIm350Profile;
extern const PositionalProfile kKaerntenNetzProfile;
extern const PositionalProfile kNetzBurgenlandProfile;

}  // namespace p1

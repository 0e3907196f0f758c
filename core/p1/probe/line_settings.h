// The line settings Austrian meters use on their customer interfaces, in the
// order a search tries them (meter-formats.md): the M-Bus ports at 2400 8E1
// (Netz NÖ, KSM-West), infrared heads at 9600 8N1, the AMIS infrared head at
// 9600 8E1 (Netz OÖ: the reader must acknowledge, so a meter that sends
// without being asked is found at 8N1 first), the P1 ports at 115200 8N1
// (Energienetze Steiermark, Kärnten Netz, Wiener Netze IM350).
#pragma once
#include <cstddef>
#include <cstdint>

#include "p1/base/flash_text.h"
#include "p1/base/span.h"

namespace p1 {

struct LineSetting {
  uint32_t baud;
  char format[4];        // "8E1", "8N1"
  bool acknowledge;      // the meter waits for the reader's M-Bus acknowledgement (AMIS)
  const char* used_by_text;  // who uses it, for the probe's report: use used_by()
  FlashText used_by() const { return FlashText(used_by_text); }
};

Span<const LineSetting> austrian_line_settings();

}  // namespace p1

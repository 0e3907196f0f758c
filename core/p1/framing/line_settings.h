// The line settings Austrian meters' customer interfaces use, in one table:
// the line-setting search of `p1bridge probe` and the device take them from
// here. `acknowledge` marks the interface where the reader must answer
// (MbusAcknowledger). Header-only: the table is in a program only where it
// is used (the device's RAM holds const data).
#pragma once
#include <cstdint>

#include "p1/base/span.h"

namespace p1 {

struct LineSetting {
  const char* name;    // "9600 8E1 (AMIS)"
  uint32_t baud;
  uint8_t data_bits;
  char parity;         // 'N', 'E', 'O'
  uint8_t stop_bits;
  bool acknowledge;    // the meter waits for E5 (MbusAcknowledger) before it sends data
  const char* where;   // which operators' meters use it
};

constexpr LineSetting kLineMbus2400{"2400 8E1", 2400, 8, 'E', 1, false,
                                    "M-Bus: Netz NOe (EVN), TINETZ, Salzburg Netz, Vorarlberg Netz, IKB"};
constexpr LineSetting kLineAmis9600{"9600 8E1 with acknowledgement", 9600, 8, 'E', 1, true,
                                    "infrared: Netz Oberoesterreich (Siemens TD-3511/TD-3512, AMIS)"};
constexpr LineSetting kLineInfrared9600{"9600 8N1", 9600, 8, 'N', 1, false, "infrared: Wiener Netze"};
constexpr LineSetting kLineP1115200{"115200 8N1", 115200, 8, 'N', 1, false,
                                    "P1: Kaernten Netz, Wels Strom, Netz Burgenland, Energienetze Steiermark"};

// In the order a search tries them.
inline Span<const LineSetting> line_settings() {
  static constexpr LineSetting kLines[] = {kLineMbus2400, kLineAmis9600, kLineInfrared9600, kLineP1115200};
  return Span<const LineSetting>(kLines);
}

}  // namespace p1

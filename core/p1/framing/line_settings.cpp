#include "p1/framing/line_settings.h"

namespace p1 {

namespace {
const LineSetting kLines[] = {kLineMbus2400, kLineAmis9600, kLineInfrared9600, kLineP1115200};
}  // namespace

Span<const LineSetting> line_settings() { return Span<const LineSetting>(kLines); }

}  // namespace p1

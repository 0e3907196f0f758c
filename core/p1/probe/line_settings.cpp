#include "p1/probe/line_settings.h"

namespace p1 {

namespace {
constexpr LineSetting kSettings[] = {
    {2400, "8E1", false, "M-Bus customer interface: Netz NÖ (EVN), TINETZ, Salzburg Netz, Vorarlberg Netz, IKB"},
    {9600, "8N1", false, "infrared head: Wiener Netze, Kärnten Netz, Netz Burgenland"},
    {9600, "8E1", true, "infrared head on a Siemens AMIS meter: Netz Oberösterreich"},
    {115200, "8N1", false, "P1 port: Energienetze Steiermark, Kärnten Netz, Wiener Netze (IM350)"},
};
}  // namespace

Span<const LineSetting> austrian_line_settings() { return Span<const LineSetting>(kSettings); }

}  // namespace p1

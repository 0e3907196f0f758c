#include "p1/probe/line_settings.h"

#include "p1/base/flash_text.h"

namespace p1 {

namespace {
// Who uses a setting is only for people (the probe's report): flash on the device.
const char kMbusUsers[] P1_FLASH_DATA =
    "M-Bus customer interface: Netz NÖ (EVN), TINETZ, Salzburg Netz, Vorarlberg Netz, IKB";
const char kInfraredUsers[] P1_FLASH_DATA = "infrared head: Wiener Netze, Kärnten Netz, Netz Burgenland";
const char kAmisUsers[] P1_FLASH_DATA = "infrared head on a Siemens AMIS meter: Netz Oberösterreich";
const char kP1Users[] P1_FLASH_DATA = "P1 port: Energienetze Steiermark, Kärnten Netz, Wiener Netze (IM350)";

constexpr LineSetting kSettings[] = {
    {2400, "8E1", false, kMbusUsers},
    {9600, "8N1", false, kInfraredUsers},
    {9600, "8E1", true, kAmisUsers},
    {115200, "8N1", false, kP1Users},
};
}  // namespace

Span<const LineSetting> austrian_line_settings() { return Span<const LineSetting>(kSettings); }

}  // namespace p1

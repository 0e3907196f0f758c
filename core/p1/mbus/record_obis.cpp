#include "p1/mbus/record_obis.h"

namespace p1 {

namespace {
// Manufacturer-specific records with a documented meaning. Siemens' AMIS
// meters (FLAG "SAM", Netz Oberoesterreich's specification of 2021-11-05):
// energy VIF + VIFE FF + 04 is the "Inkassozaehlwerk" register 1.128.0.
struct ManufacturerRecord {
  char manufacturer[3];
  MbusQuantity quantity;
  uint8_t vife;
  Obis obis;
};
const ManufacturerRecord kManufacturerRecords[] = {
    {{'S', 'A', 'M'}, MbusQuantity::kActiveEnergy, 0x04, Obis::of(1, 0, 1, 128, 0)},
};

bool same_maker(const char a[3], const char b[3]) { return a[0] == b[0] && a[1] == b[1] && a[2] == b[2]; }

// C for a quantity and direction; 0 when there is none.
uint8_t channel(MbusQuantity q, MbusDirection d) {
  bool back = d == MbusDirection::kBackward;
  switch (q) {
    case MbusQuantity::kActiveEnergy:
    case MbusQuantity::kActivePower: return back ? 2 : 1;
    case MbusQuantity::kReactiveEnergy:
    case MbusQuantity::kReactivePower: return back ? 4 : 3;
    case MbusQuantity::kApparentEnergy:
    case MbusQuantity::kApparentPower: return back ? 10 : 9;
    case MbusQuantity::kCurrent: return 11;
    case MbusQuantity::kVoltage: return 12;
    case MbusQuantity::kFrequency: return 14;
    default: return 0;
  }
}

bool is_energy(MbusQuantity q) {
  return q == MbusQuantity::kActiveEnergy || q == MbusQuantity::kReactiveEnergy || q == MbusQuantity::kApparentEnergy;
}
}  // namespace

bool record_obis(const MbusRecord& r, const VifMeaning& m, const char manufacturer[3], Obis& out) {
  if (r.subunit != 0 || r.storage > 254 || r.tariff > 254) return false;
  const uint8_t f = r.storage == 0 ? 255 : static_cast<uint8_t>(r.storage);
  if (m.manufacturer_vife >= 0) {
    for (const ManufacturerRecord& entry : kManufacturerRecords) {
      if (same_maker(entry.manufacturer, manufacturer) && entry.quantity == m.quantity &&
          entry.vife == m.manufacturer_vife && r.function == 0) {
        out = entry.obis;
        out.v[4] = static_cast<uint8_t>(r.tariff);
        out.v[5] = f;
        return true;
      }
    }
    return false;
  }
  if (m.quantity == MbusQuantity::kDateTime) {
    if (r.storage != 0 || r.tariff != 0) return false;
    out = obis::kClock;
    return true;
  }
  uint8_t c = channel(m.quantity, m.direction);
  if (c == 0) return false;
  uint8_t d;
  if (is_energy(m.quantity)) {
    if (r.function != 0) return false;
    d = 8;
  } else if (r.function == 0) {
    d = 7;
  } else if (r.function == 1) {
    d = 6;  // maximum
  } else {
    return false;
  }
  out = Obis::of(1, 0, c, d, static_cast<uint8_t>(r.tariff), f);
  return true;
}

}  // namespace p1

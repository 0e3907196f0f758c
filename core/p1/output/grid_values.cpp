#include "p1/output/grid_values.h"

#include "p1/cosem/gateway_fields.h"

namespace p1 {

namespace {

Measured of(const ReadingValue* v) {
  Measured m;
  if (v != nullptr) {
    m.has = true;
    m.value = v->number();
  }
  return m;
}

// A register the gateway fields do not map: B-field 0 or 1, as they accept.
const ReadingValue* find_number(const Reading& r, uint8_t c, uint8_t d) {
  for (uint8_t b = 0; b <= 1; ++b) {
    const ReadingValue* v = r.find(Obis::of(1, b, c, d, 0));
    if (v != nullptr && v->kind == ReadingValue::Kind::kNumber) return v;
  }
  return nullptr;
}

// import - export; one of them alone is enough (a meter that sends only the
// import register never exports).
Measured net(const ReadingValue* import, const ReadingValue* export_) {
  Measured m;
  if (import == nullptr && export_ == nullptr) return m;
  m.has = true;
  m.value = (import ? import->number() : 0.0) - (export_ ? export_->number() : 0.0);
  return m;
}

Measured sum(const Measured* values, bool average) {
  Measured m;
  int n = 0;
  for (int i = 0; i < 3; ++i) {
    if (!values[i].has) continue;
    m.value += values[i].value;
    ++n;
  }
  m.has = n > 0;
  if (average && n > 0) m.value /= n;
  return m;
}

}  // namespace

GridValues::GridValues(const Reading& reading) {
  GatewayValues g(reading);
  net_power = net(g.field[field::kPowerImport], g.field[field::kPowerExport]);
  energy_import = of(g.field[field::kEnergyImport]);
  energy_export = of(g.field[field::kEnergyExport]);
  power_factor = of(g.field[field::kPowerFactor]);
  for (int i = 0; i < 3; ++i) {
    voltage[i] = of(g.field[field::kVoltage[i]]);
    current[i] = of(g.field[field::kCurrent[i]]);
    uint8_t c = static_cast<uint8_t>(21 + 20 * i);  // 21, 41, 61: active power import of L1, L2, L3
    phase_power[i] = net(find_number(reading, c, 7), find_number(reading, static_cast<uint8_t>(c + 1), 7));
  }
  frequency = of(find_number(reading, 14, 7));
  reactive_power = net(find_number(reading, 3, 7), find_number(reading, 4, 7));
}

Measured GridValues::total_current() const { return sum(current, false); }
Measured GridValues::average_voltage() const { return sum(voltage, true); }

}  // namespace p1

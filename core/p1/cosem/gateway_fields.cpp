#include "p1/cosem/gateway_fields.h"

namespace p1 {

namespace {
const GatewayField kFields[] = {
    {"w_p", obis::kEnergyImport}, {"w_n", obis::kEnergyExport}, {"p_p", obis::kPowerImport},
    {"p_n", obis::kPowerExport},  {"u1", obis::kVoltageL1},     {"u2", obis::kVoltageL2},
    {"u3", obis::kVoltageL3},     {"i1", obis::kCurrentL1},     {"i2", obis::kCurrentL2},
    {"i3", obis::kCurrentL3},     {"phi", obis::kPowerFactor},
};
}  // namespace

static_assert(sizeof kFields / sizeof kFields[0] == kGatewayFieldCount, "field count");

Span<const GatewayField> gateway_fields() { return Span<const GatewayField>(kFields); }

int gateway_field_index(const Obis& obis) {
  const uint8_t* v = obis.v;
  // B (channel) 0 or 1: Kamstrup meters number their registers 1-1:1.8.0.
  if (v[0] != 1 || v[1] > 1 || v[4] != 0 || v[5] != 255) return -1;
  switch (v[2] << 8 | v[3]) {
    case 1 << 8 | 8: return 0;
    case 2 << 8 | 8: return 1;
    case 1 << 8 | 7: return 2;
    case 2 << 8 | 7: return 3;
    case 32 << 8 | 7: return 4;
    case 52 << 8 | 7: return 5;
    case 72 << 8 | 7: return 6;
    case 31 << 8 | 7: return 7;
    case 51 << 8 | 7: return 8;
    case 71 << 8 | 7: return 9;
    case 13 << 8 | 7: return 10;
    default: return -1;
  }
}

GatewayValues::GatewayValues(const Reading& reading) {
  for (size_t i = 0; i < reading.count; ++i) {
    const ReadingValue& value = reading.values[i];
    int index = gateway_field_index(value.obis);
    if (index >= 0 && value.kind == ReadingValue::Kind::kNumber && field[index] == nullptr) field[index] = &value;
  }
}

uint16_t GatewayValues::present() const {
  uint16_t mask = 0;
  for (size_t i = 0; i < kGatewayFieldCount; ++i) {
    if (field[i] != nullptr) mask = static_cast<uint16_t>(mask | 1u << i);
  }
  return mask;
}

}  // namespace p1

#include "p1/gateway_fields.h"

namespace p1 {

namespace {
const GatewayField kFields[] = {
    {"w_p", obis::kEnergyImport}, {"w_n", obis::kEnergyExport}, {"p_p", obis::kPowerImport},
    {"p_n", obis::kPowerExport},  {"u1", obis::kVoltageL1},     {"u2", obis::kVoltageL2},
    {"u3", obis::kVoltageL3},     {"i1", obis::kCurrentL1},     {"i2", obis::kCurrentL2},
    {"i3", obis::kCurrentL3},     {"phi", obis::kPowerFactor},
};
}  // namespace

Span<const GatewayField> gateway_fields() { return Span<const GatewayField>(kFields); }

}  // namespace p1

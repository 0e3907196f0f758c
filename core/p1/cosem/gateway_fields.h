// The short field names of the original EVN Kaifa gateway, used as JSON keys
// and MQTT topic names so existing dashboards keep working.
#pragma once
#include "p1/cosem/reading.h"
#include "p1/dlms/obis.h"
#include "p1/base/span.h"

namespace p1 {

struct GatewayField {
  const char* name;    // "w_p"
  Obis obis;           // 1.0.1.8.0.255
  uint8_t name_size;   // strlen(name), so the JSON writer need not count it per telegram

  constexpr GatewayField(const char* field_name, Obis code)
      : name(field_name), obis(code), name_size(length(field_name)) {}

 private:
  static constexpr uint8_t length(const char* s) { return *s == '\0' ? 0 : static_cast<uint8_t>(1 + length(s + 1)); }
};

// w_p w_n p_p p_n u1 u2 u3 i1 i2 i3 phi, in the original's order.
Span<const GatewayField> gateway_fields();
constexpr size_t kGatewayFieldCount = 11;
// Positions in gateway_fields() (and GatewayValues::field).
namespace field {
constexpr size_t kEnergyImport = 0, kEnergyExport = 1, kPowerImport = 2, kPowerExport = 3;
constexpr size_t kVoltage[3] = {4, 5, 6};
constexpr size_t kCurrent[3] = {7, 8, 9};
constexpr size_t kPowerFactor = 10;
}  // namespace field
// Index into gateway_fields() of the field for `obis`, or -1.
int gateway_field_index(const Obis& obis);

// The one mapping of a reading onto the gateway fields, used by the JSON, the
// topics, Home Assistant discovery and both publishers: the first numeric
// value for each field, B-field 0 or 1 alike.
struct GatewayValues {
  const ReadingValue* field[kGatewayFieldCount] = {};
  explicit GatewayValues(const Reading& reading);
  // Bit i set when field i has a value.
  uint16_t present() const;
};

}  // namespace p1

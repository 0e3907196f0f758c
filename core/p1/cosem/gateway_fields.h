// The short field names of the original EVN Kaifa gateway, used as JSON keys
// and MQTT topic names so existing dashboards keep working.
#pragma once
#include "p1/dlms/obis.h"
#include "p1/base/span.h"

namespace p1 {

struct GatewayField {
  const char* name;  // "w_p"
  Obis obis;         // 1.0.1.8.0.255
};

// w_p w_n p_p p_n u1 u2 u3 i1 i2 i3 phi, in the original's order.
Span<const GatewayField> gateway_fields();
constexpr size_t kGatewayFieldCount = 11;
// Index into gateway_fields() of the field for `obis`, or -1.
int gateway_field_index(const Obis& obis);

}  // namespace p1

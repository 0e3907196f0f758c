// Home Assistant MQTT discovery for one meter: a retained config message per
// sensor under <prefix>/sensor/<node>/<field>/config, grouped into one device,
// with device_class/unit/state_class so energy appears in HA's energy
// dashboard without YAML. Shared by the Linux program and the firmware so
// both announce the same entities. Written into caller buffers.
#pragma once
#include "p1/cosem/gateway_fields.h"
#include "p1/cosem/reading.h"
#include "p1/base/result.h"

namespace p1 {

struct DiscoveryTarget {
  const char* prefix = "homeassistant";
  const char* base_topic = "smartmeter";  // where the values are published
  const char* node_id = "meter";          // [a-zA-Z0-9_-]; unique per meter
  const char* device_name = "Smart meter";
  bool per_field_topics = false;          // state from <base>/<field>, else <base>/json
  const char* availability_topic = "smartmeter/availability";
};

struct SensorClass {
  const char* title;         // "Energy import"
  const char* device_class;  // "energy"; nullptr for none
  const char* unit;          // "Wh"; nullptr for none
  const char* state_class;   // "total_increasing" / "measurement"
};
// Home Assistant classes of gateway field `index` (see gateway_fields()).
const SensorClass& sensor_class(size_t index);

Result<size_t> format_discovery_topic(const DiscoveryTarget& target, size_t field, CharSpan out);
// The meter number (if the reading has one) becomes the device's serial number.
Result<size_t> format_discovery_config(const DiscoveryTarget& target, size_t field, const Reading& reading,
                                       CharSpan out);

}  // namespace p1

// Home Assistant MQTT discovery for one meter: a retained config message per
// sensor under <prefix>/sensor/<node>/<field>/config, grouped into one device,
// with device_class/unit/state_class so energy appears in HA's energy
// dashboard without YAML. Shared by the Linux program and the firmware so
// both announce the same entities. Written into caller buffers.
//
// Keying: with `meter_number` set, the node id, the unique_ids and the device
// identifier come from the meter's number ("p1bridge_<number>"), so two
// installations (each with the default meter name) never overwrite each
// other's entities and a reinstalled bridge finds its entities again. Without
// it, `node_id` is used as before ("p1bridge_<node_id>_<field>").
//
// Schema: the entity id is suggested with `default_entity_id`
// ("sensor.p1bridge_<number>_w_p"); `object_id` was deprecated for it in
// Home Assistant 2025.10 (it stops working in 2026.4) and is not sent.
#pragma once
#include "p1/base/flash_text.h"
#include <cstdint>

#include "p1/cosem/gateway_fields.h"
#include "p1/cosem/reading.h"
#include "p1/base/result.h"

namespace p1 {

struct DiscoveryTarget {
  const char* prefix = "homeassistant";
  const char* base_topic = "smartmeter";  // where the values are published
  const char* node_id = "meter";          // [a-zA-Z0-9_-]; used while no meter number is known
  const char* device_name = "Smart meter";
  bool per_field_topics = false;          // state from <base>/<field>, else <base>/json
  const char* availability_topic = "smartmeter/availability";
  // Optional (nullptr / 0 leaves them out):
  const char* meter_number = nullptr;                // keys the entities (see above)
  const char* bridge_availability_topic = nullptr;   // a second topic (the bridge's last will): both must be online
  uint32_t expire_after = 0;                         // seconds without a value before HA shows "unavailable"
  const char* configuration_url = nullptr;           // the web page
  const char* manufacturer = nullptr;                // default "p1bridge"
  const char* model = nullptr;                       // e.g. "Kaifa meter, evn layout"
  const char* sw_version = nullptr;
};

// The table is in flash on the device: its text is read through FlashText.
struct SensorClass {
  char title[16];         // "Energy import"
  char device_class[16];  // "energy"; "" for none
  char unit[4];           // "Wh"; "" for none
  char state_class[20];   // "total_increasing" / "measurement"
};
// Home Assistant classes of gateway field `index` (see gateway_fields()).
const SensorClass& sensor_class(size_t index);

// The node id of the discovery topics and identifiers: "p1bridge_<number>"
// (lower case, characters outside [a-z0-9_-] as '_') with a meter number,
// else `node_id`.
Result<size_t> format_discovery_node(const DiscoveryTarget& target, CharSpan out);

Result<size_t> format_discovery_topic(const DiscoveryTarget& target, size_t field, CharSpan out);
// The meter number (from target.meter_number, else from the reading) becomes
// the device's serial number.
Result<size_t> format_discovery_config(const DiscoveryTarget& target, size_t field, const Reading& reading,
                                       CharSpan out);

// Diagnostic sensors for the status counters (counter_fields() of
// status_json.h, read from <base>/status): entity_category diagnostic,
// disabled until the user enables them.
size_t status_sensor_count();
Result<size_t> format_status_discovery_topic(const DiscoveryTarget& target, size_t counter, CharSpan out);
Result<size_t> format_status_discovery_config(const DiscoveryTarget& target, size_t counter, CharSpan out);

// Quarter-hour demand sensors (demand_fields() of demand_json.h, read from
// <base>/demand): average power in W (device_class power, state_class
// measurement) and the peaks' start times (device_class timestamp).
// `with_export`: false leaves out the export figures (a meter without 2.8.0);
// `field` counts the sensors that remain.
size_t demand_sensor_count(bool with_export);
Result<size_t> format_demand_discovery_topic(const DiscoveryTarget& target, size_t field, bool with_export, CharSpan out);
Result<size_t> format_demand_discovery_config(const DiscoveryTarget& target, size_t field, bool with_export,
                                              CharSpan out);

// The maker behind the first three letters of a system title (the FLAG id:
// "KFM" Kaifa, "ISK" Iskraemeco, ...), or nullptr when not known.
const char* meter_manufacturer(const char flag_id[3]);

}  // namespace p1

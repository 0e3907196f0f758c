#include "p1/output/ha_discovery.h"

#include "p1/base/text_buffer.h"
#include "p1/output/demand_json.h"
#include "p1/output/json_text.h"
#include "p1/output/output_format.h"
#include "p1/output/status_json.h"

namespace p1 {

namespace {
const SensorClass kClasses[kGatewayFieldCount] P1_FLASH_DATA = {
    {"Energy import", "energy", "Wh", "total_increasing"},
    {"Energy export", "energy", "Wh", "total_increasing"},
    {"Power import", "power", "W", "measurement"},
    {"Power export", "power", "W", "measurement"},
    {"Voltage L1", "voltage", "V", "measurement"},
    {"Voltage L2", "voltage", "V", "measurement"},
    {"Voltage L3", "voltage", "V", "measurement"},
    {"Current L1", "current", "A", "measurement"},
    {"Current L2", "current", "A", "measurement"},
    {"Current L3", "current", "A", "measurement"},
    {"Power factor", "power_factor", "", "measurement"},
};

struct Maker {
  char flag[4];
  const char* name;
};
const Maker kMakers[] = {
    {"KFM", "Kaifa"},     {"ISK", "Iskraemeco"}, {"LGZ", "Landis+Gyr"}, {"SAG", "Sagemcom"},
    {"KAM", "Kamstrup"},  {"SMS", "Siemens"},    {"ELS", "Elster"},     {"EMH", "EMH metering"},
    {"ITF", "Itron"},     {"ZPA", "ZPA Smart Energy"}, {"SAM", "Siemens (AMIS)"},
};

bool has_number(const DiscoveryTarget& t) { return t.meter_number != nullptr && t.meter_number[0] != '\0'; }

char id_char(char c) {
  if (c >= 'A' && c <= 'Z') return static_cast<char>(c - 'A' + 'a');
  if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') return c;
  return '_';
}

// The node of the topics: p1bridge_<number>, else node_id as given.
void put_node(TextBuffer& out, const DiscoveryTarget& t) {
  if (!has_number(t)) {
    out.put(t.node_id);
    return;
  }
  out.put(P1_TEXT("p1bridge_"));
  for (const char* c = t.meter_number; *c != '\0'; ++c) out.put(id_char(*c));
}

// What unique_ids and the device identifier start with.
void put_key(TextBuffer& out, const DiscoveryTarget& t) {
  if (!has_number(t)) out.put(P1_TEXT("p1bridge_"));
  put_node(out, t);
}

// The suggested entity id: sensor.<key>_<suffix> (sensor.<node_id>_<field>
// without a meter number, as object_id was before).
void put_entity_id(TextBuffer& out, const DiscoveryTarget& t, const char* infix, const char* suffix) {
  out.put(P1_TEXT("sensor."));
  if (has_number(t)) {
    put_key(out, t);
  } else {
    for (const char* c = t.node_id; *c != '\0'; ++c) out.put(id_char(*c));
  }
  out.put('_');
  out.put(infix);
  out.put(suffix);
}

void put_string(TextBuffer& out, const char* key, const char* value) {
  out.put(P1_TEXT(",\""));
  out.put(key);
  out.put(P1_TEXT("\":"));
  put_json_string(out, value);
}

void put_string(TextBuffer& out, const char* key, FlashText value) {
  out.put(P1_TEXT(",\""));
  out.put(key);
  out.put(P1_TEXT("\":"));
  put_json_string(out, value);
}

void put_availability(TextBuffer& out, const DiscoveryTarget& t) {
  if (t.bridge_availability_topic == nullptr || t.bridge_availability_topic[0] == '\0') {
    put_string(out, "availability_topic", t.availability_topic);
    return;
  }
  out.put(P1_TEXT(",\"availability\":[{\"topic\":"));
  put_json_string(out, t.availability_topic);
  out.put(P1_TEXT("},{\"topic\":"));
  put_json_string(out, t.bridge_availability_topic);
  out.put(P1_TEXT("}],\"availability_mode\":\"all\""));
}

void put_device(TextBuffer& out, const DiscoveryTarget& t, const char* serial) {
  out.put(P1_TEXT(",\"device\":{\"identifiers\":[\""));
  put_key(out, t);
  out.put(P1_TEXT("\"],\"name\":"));
  put_json_string(out, t.device_name);
  put_string(out, "manufacturer", t.manufacturer != nullptr ? t.manufacturer : "p1bridge");
  if (t.model != nullptr && t.model[0] != '\0') put_string(out, "model", t.model);
  if (serial != nullptr && serial[0] != '\0') put_string(out, "serial_number", serial);
  if (t.sw_version != nullptr && t.sw_version[0] != '\0') put_string(out, "sw_version", t.sw_version);
  if (t.configuration_url != nullptr && t.configuration_url[0] != '\0') {
    put_string(out, "configuration_url", t.configuration_url);
  }
  out.put('}');
}

void put_topic(TextBuffer& out, const DiscoveryTarget& t, const char* infix, const char* name) {
  out.put(t.prefix);
  out.put(P1_TEXT("/sensor/"));
  put_node(out, t);
  out.put('/');
  out.put(infix);
  out.put(name);
  out.put(P1_TEXT("/config"));
}
}  // namespace

const SensorClass& sensor_class(size_t index) { return kClasses[index < kGatewayFieldCount ? index : 0]; }

const char* meter_manufacturer(const char flag_id[3]) {
  for (const Maker& m : kMakers) {
    if (m.flag[0] == flag_id[0] && m.flag[1] == flag_id[1] && m.flag[2] == flag_id[2]) return m.name;
  }
  return nullptr;
}

Result<size_t> format_discovery_node(const DiscoveryTarget& t, CharSpan buffer) {
  TextBuffer out(buffer);
  put_node(out, t);
  if (out.overflow()) return Error::kOutputTooSmall;
  return out.size();
}

Result<size_t> format_discovery_topic(const DiscoveryTarget& t, size_t field, CharSpan buffer) {
  if (field >= kGatewayFieldCount) return Error::kOutputTooSmall;
  TextBuffer out(buffer);
  put_topic(out, t, "", gateway_fields()[field].name);
  if (out.overflow()) return Error::kOutputTooSmall;
  return out.size();
}

Result<size_t> format_discovery_config(const DiscoveryTarget& t, size_t field, const Reading& reading,
                                       CharSpan buffer) {
  if (field >= kGatewayFieldCount) return Error::kOutputTooSmall;
  const char* name = gateway_fields()[field].name;
  const SensorClass& c = kClasses[field];
  TextBuffer out(buffer);
  out.put(P1_TEXT("{\"name\":\""));
  out.put(FlashText(c.title));
  out.put(P1_TEXT("\",\"unique_id\":\""));
  put_key(out, t);
  out.put('_');
  out.put(name);
  out.put(P1_TEXT("\",\"default_entity_id\":\""));
  put_entity_id(out, t, "", name);
  out.put(P1_TEXT("\",\"state_topic\":"));
  if (t.per_field_topics) {
    out.put('"');
    out.put(t.base_topic);
    out.put('/');
    out.put(name);
    out.put('"');
  } else {
    out.put('"');
    out.put(t.base_topic);
    out.put(P1_TEXT("/json\",\"value_template\":\"{{ value_json."));
    out.put(name);
    out.put(P1_TEXT(" }}\""));
  }
  if (!FlashText(c.device_class).empty()) put_string(out, "device_class", FlashText(c.device_class));
  if (!FlashText(c.unit).empty()) put_string(out, "unit_of_measurement", FlashText(c.unit));
  put_string(out, "state_class", FlashText(c.state_class));
  if (t.expire_after > 0) {
    out.put(P1_TEXT(",\"expire_after\":"));
    put_json_uint(out, t.expire_after);
  }
  put_availability(out, t);
  char serial[64];
  serial[0] = '\0';
  if (has_number(t)) {
    size_t n = 0;
    while (t.meter_number[n] != '\0' && n + 1 < sizeof serial) {
      serial[n] = t.meter_number[n];
      ++n;
    }
    serial[n] = '\0';
  } else if (const ReadingValue* number = reading.find(obis::kMeterNumber)) {
    auto n = format_value_text(*number, CharSpan(serial, sizeof serial - 1));
    serial[n ? *n : 0] = '\0';
  }
  put_device(out, t, serial);
  out.put('}');
  if (out.overflow()) return Error::kOutputTooSmall;
  return out.size();
}

size_t status_sensor_count() { return counter_fields().size(); }

Result<size_t> format_status_discovery_topic(const DiscoveryTarget& t, size_t counter, CharSpan buffer) {
  if (counter >= counter_fields().size()) return Error::kOutputTooSmall;
  TextBuffer out(buffer);
  char name[sizeof(CounterField::name_text)];
  counter_fields()[counter].name().copy(CharSpan(name, sizeof name));
  put_topic(out, t, "status_", name);
  if (out.overflow()) return Error::kOutputTooSmall;
  return out.size();
}

Result<size_t> format_status_discovery_config(const DiscoveryTarget& t, size_t counter, CharSpan buffer) {
  if (counter >= counter_fields().size()) return Error::kOutputTooSmall;
  char name[sizeof(CounterField::name_text)];
  counter_fields()[counter].name().copy(CharSpan(name, sizeof name));
  TextBuffer out(buffer);
  // "frame_counter_gaps" -> "Frame counter gaps"
  out.put(P1_TEXT("{\"name\":\""));
  for (const char* c = name; *c != '\0'; ++c) {
    char ch = *c == '_' ? ' ' : *c;
    if (c == name && ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
    out.put(ch);
  }
  out.put(P1_TEXT("\",\"unique_id\":\""));
  put_key(out, t);
  out.put(P1_TEXT("_status_"));
  out.put(name);
  out.put(P1_TEXT("\",\"default_entity_id\":\""));
  put_entity_id(out, t, "status_", name);
  out.put(P1_TEXT("\",\"state_topic\":\""));
  out.put(t.base_topic);
  out.put(P1_TEXT("/status\",\"value_template\":\"{{ value_json."));
  out.put(name);
  out.put(P1_TEXT(" }}\",\"state_class\":\"total_increasing\",\"entity_category\":\"diagnostic\",\"enabled_by_default\":false"));
  put_availability(out, t);
  put_device(out, t, t.meter_number);
  out.put('}');
  if (out.overflow()) return Error::kOutputTooSmall;
  return out.size();
}

size_t demand_sensor_count(bool with_export) {
  size_t n = 0;
  for (const DemandField& f : demand_fields()) n += with_export || !f.is_export ? 1 : 0;
  return n;
}

namespace {
const DemandField* demand_field(size_t index, bool with_export) {
  for (const DemandField& f : demand_fields()) {
    if (!with_export && f.is_export) continue;
    if (index-- == 0) return &f;
  }
  return nullptr;
}

struct DemandKey {
  char text[48];
  explicit DemandKey(const DemandField& f) {
    TextBuffer b(CharSpan(text, sizeof text - 1));
    put_demand_key(b, f);
    text[b.size()] = '\0';
  }
};
}  // namespace

Result<size_t> format_demand_discovery_topic(const DiscoveryTarget& t, size_t field, bool with_export,
                                             CharSpan buffer) {
  const DemandField* f = demand_field(field, with_export);
  if (f == nullptr) return Error::kOutputTooSmall;
  TextBuffer out(buffer);
  put_topic(out, t, "demand_", DemandKey(*f).text);
  if (out.overflow()) return Error::kOutputTooSmall;
  return out.size();
}

Result<size_t> format_demand_discovery_config(const DiscoveryTarget& t, size_t field, bool with_export,
                                              CharSpan buffer) {
  const DemandField* f = demand_field(field, with_export);
  if (f == nullptr) return Error::kOutputTooSmall;
  DemandKey key(*f);
  TextBuffer out(buffer);
  out.put(P1_TEXT("{\"name\":\""));
  put_demand_title(out, *f);
  out.put(P1_TEXT("\",\"unique_id\":\""));
  put_key(out, t);
  out.put(P1_TEXT("_demand_"));
  out.put(key.text);
  out.put(P1_TEXT("\",\"default_entity_id\":\""));
  put_entity_id(out, t, "demand_", key.text);
  out.put(P1_TEXT("\",\"state_topic\":\""));
  out.put(t.base_topic);
  // null (not known: an incomplete quarter hour, no peak yet) renders as
  // "None", which Home Assistant's MQTT sensor takes as unknown.
  out.put(P1_TEXT("/demand\",\"value_template\":\"{{ value_json."));
  out.put(key.text);
  out.put(P1_TEXT(" }}\""));
  if (f->timestamp) {
    put_string(out, "device_class", "timestamp");
  } else {
    put_string(out, "device_class", "power");
    put_string(out, "unit_of_measurement", "W");
    put_string(out, "state_class", "measurement");
  }
  if (t.expire_after > 0) {
    // The payload comes every 10 s of meter clock at the most: never sooner
    // than twice that.
    out.put(P1_TEXT(",\"expire_after\":"));
    put_json_uint(out, t.expire_after > 20 ? t.expire_after : 20);
  }
  put_availability(out, t);
  put_device(out, t, t.meter_number);
  out.put('}');
  if (out.overflow()) return Error::kOutputTooSmall;
  return out.size();
}

}  // namespace p1

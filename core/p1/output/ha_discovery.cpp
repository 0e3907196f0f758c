#include "p1/output/ha_discovery.h"

#include "p1/output/output_format.h"
#include "p1/base/text_buffer.h"

namespace p1 {

namespace {
const SensorClass kClasses[kGatewayFieldCount] = {
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
    {"Power factor", "power_factor", nullptr, "measurement"},
};

void put_string(TextBuffer& out, const char* key, const char* value) {
  out.put(",\"");
  out.put(key);
  out.put("\":\"");
  out.put(value);
  out.put('"');
}
}  // namespace

const SensorClass& sensor_class(size_t index) { return kClasses[index < kGatewayFieldCount ? index : 0]; }

Result<size_t> format_discovery_topic(const DiscoveryTarget& t, size_t field, CharSpan buffer) {
  if (field >= kGatewayFieldCount) return Error::kOutputTooSmall;
  TextBuffer out(buffer);
  out.put(t.prefix);
  out.put("/sensor/");
  out.put(t.node_id);
  out.put('/');
  out.put(gateway_fields()[field].name);
  out.put("/config");
  if (out.overflow()) return Error::kOutputTooSmall;
  return out.size();
}

Result<size_t> format_discovery_config(const DiscoveryTarget& t, size_t field, const Reading& reading,
                                       CharSpan buffer) {
  if (field >= kGatewayFieldCount) return Error::kOutputTooSmall;
  const char* name = gateway_fields()[field].name;
  const SensorClass& c = kClasses[field];
  TextBuffer out(buffer);
  out.put("{\"name\":\"");
  out.put(c.title);
  out.put("\",\"unique_id\":\"p1bridge_");
  out.put(t.node_id);
  out.put('_');
  out.put(name);
  out.put("\",\"object_id\":\"");
  out.put(t.node_id);
  out.put('_');
  out.put(name);
  out.put("\",\"state_topic\":\"");
  out.put(t.base_topic);
  if (t.per_field_topics) {
    out.put('/');
    out.put(name);
    out.put('"');
  } else {
    out.put("/json\",\"value_template\":\"{{ value_json.");
    out.put(name);
    out.put(" }}\"");
  }
  if (c.device_class != nullptr) put_string(out, "device_class", c.device_class);
  if (c.unit != nullptr) put_string(out, "unit_of_measurement", c.unit);
  put_string(out, "state_class", c.state_class);
  out.put(",\"availability_topic\":\"");
  out.put(t.availability_topic);
  out.put("\",\"device\":{\"identifiers\":[\"p1bridge_");
  out.put(t.node_id);
  out.put("\"],\"name\":\"");
  out.put(t.device_name);
  out.put("\",\"manufacturer\":\"p1bridge\"");
  if (const ReadingValue* number = reading.find(obis::kMeterNumber)) {
    char text[64];
    auto n = format_value_text(*number, CharSpan(text, sizeof text));
    if (n) {
      out.put(",\"serial_number\":\"");
      for (size_t i = 0; i < *n; ++i) {
        if (text[i] == '"' || text[i] == '\\') out.put('\\');
        out.put(text[i]);
      }
      out.put('"');
    }
  }
  out.put("}}");
  if (out.overflow()) return Error::kOutputTooSmall;
  return out.size();
}

}  // namespace p1

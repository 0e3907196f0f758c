// Home Assistant discovery messages from the core (the Linux program and the
// firmware send the same): keyed by the meter number, the current schema
// (default_entity_id, not the deprecated object_id), availability, expiry and
// the diagnostic status sensors.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "p1/output/ha_discovery.h"
#include "p1/output/status_json.h"

namespace {

using nlohmann::json;

std::string topic_of(const p1::DiscoveryTarget& t, size_t field) {
  char out[256];
  auto n = p1::format_discovery_topic(t, field, p1::CharSpan(out, sizeof out));
  EXPECT_TRUE(n);
  return n ? std::string(out, *n) : "";
}

json config_of(const p1::DiscoveryTarget& t, size_t field) {
  char out[2048];
  p1::Reading none;
  auto n = p1::format_discovery_config(t, field, none, p1::CharSpan(out, sizeof out));
  EXPECT_TRUE(n);
  return n ? json::parse(std::string(out, *n)) : json();
}

TEST(HaDiscovery, KeyedByTheMeterNumberNotTheConfiguredName) {
  p1::DiscoveryTarget a, b;
  a.node_id = b.node_id = "meter";  // both installations on defaults
  a.meter_number = "181220000009";
  b.meter_number = "1KFM0200234804";
  EXPECT_EQ(topic_of(a, 0), "homeassistant/sensor/p1bridge_181220000009/w_p/config");
  EXPECT_EQ(topic_of(b, 0), "homeassistant/sensor/p1bridge_1kfm0200234804/w_p/config");
  json ca = config_of(a, 0), cb = config_of(b, 0);
  EXPECT_EQ(ca["unique_id"], "p1bridge_181220000009_w_p");
  EXPECT_EQ(cb["unique_id"], "p1bridge_1kfm0200234804_w_p");
  EXPECT_EQ(ca["default_entity_id"], "sensor.p1bridge_181220000009_w_p");
  EXPECT_FALSE(ca.contains("object_id"));
  EXPECT_EQ(ca["device"]["identifiers"][0], "p1bridge_181220000009");
  EXPECT_EQ(ca["device"]["serial_number"], "181220000009");
  EXPECT_EQ(cb["device"]["serial_number"], "1KFM0200234804");
}

// Each gateway field's name and Home Assistant classes (the table the device
// keeps in flash): energy totals, measurements, and the power factor without a unit.
TEST(HaDiscovery, EveryFieldHasItsClassesAndUnit) {
  p1::DiscoveryTarget t;
  t.node_id = "meter";
  json energy = config_of(t, 0);
  EXPECT_EQ(energy["name"], "Energy import");
  EXPECT_EQ(energy["device_class"], "energy");
  EXPECT_EQ(energy["unit_of_measurement"], "Wh");
  EXPECT_EQ(energy["state_class"], "total_increasing");
  json power = config_of(t, 3);
  EXPECT_EQ(power["name"], "Power export");
  EXPECT_EQ(power["device_class"], "power");
  EXPECT_EQ(power["unit_of_measurement"], "W");
  EXPECT_EQ(power["state_class"], "measurement");
  json current = config_of(t, 9);
  EXPECT_EQ(current["name"], "Current L3");
  EXPECT_EQ(current["unit_of_measurement"], "A");
  json factor = config_of(t, 10);
  EXPECT_EQ(factor["name"], "Power factor");
  EXPECT_EQ(factor["device_class"], "power_factor");
  EXPECT_FALSE(factor.contains("unit_of_measurement"));
  EXPECT_EQ(factor["state_class"], "measurement");
}

TEST(HaDiscovery, WithoutAMeterNumberTheNodeIdAsBefore) {
  p1::DiscoveryTarget t;
  t.node_id = "house";
  EXPECT_EQ(topic_of(t, 0), "homeassistant/sensor/house/w_p/config");
  json c = config_of(t, 0);
  EXPECT_EQ(c["unique_id"], "p1bridge_house_w_p");
  EXPECT_EQ(c["default_entity_id"], "sensor.house_w_p");
  EXPECT_EQ(c["device"]["identifiers"][0], "p1bridge_house");
  EXPECT_EQ(c["availability_topic"], "smartmeter/availability");
  EXPECT_FALSE(c.contains("expire_after"));
  EXPECT_FALSE(c["device"].contains("configuration_url"));
}

TEST(HaDiscovery, MeterNumbersBecomeValidIdentifiers) {
  p1::DiscoveryTarget t;
  t.meter_number = "AB 12/\"x\"";
  EXPECT_EQ(topic_of(t, 2), "homeassistant/sensor/p1bridge_ab_12__x_/p_p/config");
  json c = config_of(t, 2);  // parses: the quote in the serial number is escaped
  EXPECT_EQ(c["device"]["serial_number"], "AB 12/\"x\"");
  EXPECT_EQ(c["default_entity_id"], "sensor.p1bridge_ab_12__x__p_p");
}

TEST(HaDiscovery, DeviceAvailabilityAndExpiry) {
  p1::DiscoveryTarget t;
  t.meter_number = "181220000009";
  t.base_topic = "farm/house";
  t.availability_topic = "farm/house/availability";
  t.bridge_availability_topic = "p1bridge/p1bridge/availability";
  t.expire_after = 60;
  t.configuration_url = "http://pi.lan:8080/";
  t.manufacturer = p1::meter_manufacturer("KFM");
  t.model = "KFM meter, evn layout";
  t.sw_version = "0.1.0 (abc)";
  json c = config_of(t, 0);
  EXPECT_EQ(c["state_topic"], "farm/house/json");
  EXPECT_EQ(c["value_template"], "{{ value_json.w_p }}");
  EXPECT_EQ(c["device_class"], "energy");
  EXPECT_EQ(c["state_class"], "total_increasing");
  EXPECT_EQ(c["expire_after"], 60);
  EXPECT_FALSE(c.contains("availability_topic"));
  EXPECT_EQ(c["availability"][0]["topic"], "farm/house/availability");
  EXPECT_EQ(c["availability"][1]["topic"], "p1bridge/p1bridge/availability");
  EXPECT_EQ(c["availability_mode"], "all");
  EXPECT_EQ(c["device"]["manufacturer"], "Kaifa");
  EXPECT_EQ(c["device"]["model"], "KFM meter, evn layout");
  EXPECT_EQ(c["device"]["sw_version"], "0.1.0 (abc)");
  EXPECT_EQ(c["device"]["configuration_url"], "http://pi.lan:8080/");
  EXPECT_EQ(p1::meter_manufacturer("XYZ"), nullptr);
}

TEST(HaDiscovery, StatusCountersAreDisabledDiagnosticSensors) {
  p1::DiscoveryTarget t;
  t.meter_number = "181220000009";
  ASSERT_EQ(p1::status_sensor_count(), p1::counter_fields().size());
  std::set<std::string> topics, ids;
  for (size_t i = 0; i < p1::status_sensor_count(); ++i) {
    const char* name = p1::counter_fields()[i].name().host_string();
    char topic[256], payload[2048];
    auto tn = p1::format_status_discovery_topic(t, i, p1::CharSpan(topic, sizeof topic));
    auto pn = p1::format_status_discovery_config(t, i, p1::CharSpan(payload, sizeof payload));
    ASSERT_TRUE(tn && pn) << name;
    EXPECT_EQ(std::string(topic, *tn), std::string("homeassistant/sensor/p1bridge_181220000009/status_") + name + "/config");
    json c = json::parse(std::string(payload, *pn));
    EXPECT_EQ(c["state_topic"], "smartmeter/status");
    EXPECT_EQ(c["value_template"], std::string("{{ value_json.") + name + " }}");
    EXPECT_EQ(c["entity_category"], "diagnostic");
    EXPECT_EQ(c["enabled_by_default"], false);
    EXPECT_EQ(c["device"]["identifiers"][0], "p1bridge_181220000009");
    topics.insert(std::string(topic, *tn));
    ids.insert(c["unique_id"].get<std::string>());
  }
  for (size_t f = 0; f < p1::kGatewayFieldCount; ++f) {
    topics.insert(topic_of(t, f));
    ids.insert(config_of(t, f)["unique_id"].get<std::string>());
  }
  EXPECT_EQ(topics.size(), p1::status_sensor_count() + p1::kGatewayFieldCount) << "no topic twice";
  EXPECT_EQ(ids.size(), p1::status_sensor_count() + p1::kGatewayFieldCount) << "no unique_id twice";
}

TEST(HaDiscovery, TooSmallBuffersAreRefusedNotOverrun) {
  p1::DiscoveryTarget t;
  t.meter_number = "181220000009";
  char small[64];
  p1::Reading none;
  EXPECT_FALSE(p1::format_discovery_config(t, 0, none, p1::CharSpan(small, sizeof small)));
  EXPECT_FALSE(p1::format_status_discovery_config(t, 0, p1::CharSpan(small, sizeof small)));
  EXPECT_FALSE(p1::format_discovery_topic(t, p1::kGatewayFieldCount, p1::CharSpan(small, sizeof small)));
}

}  // namespace

#include "settings_bridge.h"

#include <string>

namespace p1d {

namespace {
using p1::SettingId;

void put(p1::Settings& s, SettingId id, const std::string& value) {
  // A config value the schema refuses keeps the schema's default.
  s.set(id, p1::Span<const char>(value.data(), value.size()));
}

std::string modes_of(const MqttConfig& m) {
  std::string digits;
  if (m.raw) digits += '0';
  if (m.topics) digits += '1';
  if (m.json) digits += '2';
  return digits;
}
}  // namespace

p1::Settings settings_from_config(const Config& c) {
  p1::Settings s;
  put(s, SettingId::kMqttHost, c.mqtt.host);
  put(s, SettingId::kMqttPort, std::to_string(c.mqtt.port));
  put(s, SettingId::kMqttFingerprint, c.mqtt.fingerprint);
  put(s, SettingId::kMqttUser, c.mqtt.user);
  put(s, SettingId::kMqttPassword, c.mqtt.password);
  put(s, SettingId::kMqttClientId, c.mqtt.client_id);
  put(s, SettingId::kMessageMode, modes_of(c.mqtt));
  put(s, SettingId::kWebKey, c.web.key);
  put(s, SettingId::kDiscovery, c.mqtt.discovery ? "1" : "0");
  if (!c.meters.empty()) {
    const MeterConfig& m = c.meters[0];
    put(s, SettingId::kMqttBase, m.base);
    put(s, SettingId::kMeterKey, m.key_hex);
    put(s, SettingId::kAuthKey, m.auth_key_hex);
    put(s, SettingId::kMeterProfile, m.profile.empty() ? "auto" : m.profile);
    put(s, SettingId::kSerialBaud, std::to_string(m.baud));
    std::string format = std::to_string(m.data_bits) +
                         (m.parity == Parity::kNone ? "N" : m.parity == Parity::kEven ? "E" : "O") +
                         std::to_string(m.stop_bits);
    put(s, SettingId::kSerialFormat, format);
    put(s, SettingId::kSerialPort, m.source);
  }
  return s;
}

void apply_settings(const p1::Settings& s, Config& c) {
  c.mqtt.host = s.get(SettingId::kMqttHost);
  c.mqtt.port = std::stoi(s.get(SettingId::kMqttPort));
  c.mqtt.fingerprint = s.get(SettingId::kMqttFingerprint);
  c.mqtt.user = s.get(SettingId::kMqttUser);
  c.mqtt.password = s.get(SettingId::kMqttPassword);
  c.mqtt.client_id = s.get(SettingId::kMqttClientId);
  std::string modes = s.get(SettingId::kMessageMode);
  c.mqtt.raw = modes.find('0') != std::string::npos;
  c.mqtt.topics = modes.find('1') != std::string::npos;
  c.mqtt.json = modes.find('2') != std::string::npos;
  c.mqtt.discovery = std::string(s.get(SettingId::kDiscovery)) == "1";
  c.web.key = s.get(SettingId::kWebKey);
  if (c.meters.empty()) c.meters.emplace_back();
  MeterConfig& m = c.meters[0];
  m.base = s.get(SettingId::kMqttBase);
  m.key_hex = s.get(SettingId::kMeterKey);
  m.auth_key_hex = s.get(SettingId::kAuthKey);
  std::string profile = s.get(SettingId::kMeterProfile);
  m.profile = profile == "auto" ? "" : profile;
  m.baud = std::stoi(s.get(SettingId::kSerialBaud));
  std::string format = s.get(SettingId::kSerialFormat);
  m.data_bits = format[0] - '0';
  m.parity = format[1] == 'N' ? Parity::kNone : format[1] == 'E' ? Parity::kEven : Parity::kOdd;
  m.stop_bits = format[2] - '0';
  m.source = s.get(SettingId::kSerialPort);
}

}  // namespace p1d

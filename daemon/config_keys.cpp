#include "config_keys.h"

#include <cstdlib>
#include <cstring>
#include <sstream>

#include "log.h"

namespace p1d {

namespace {

using p1::SettingId;
constexpr SettingId kProgramOnly = SettingId::kCount;

bool parse_int(const std::string& text, long long lo, long long hi, long long& out) {
  if (text.empty() || text.size() > 12) return false;
  char* end = nullptr;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (end == nullptr || *end != '\0' || v < lo || v > hi) return false;
  out = v;
  return true;
}

bool valid_qos(const std::string& t) { return t == "0" || t == "1" || t == "2"; }
bool valid_bool(const std::string& t) {
  bool b;
  return parse_bool_text(t, b);
}
bool valid_port(const std::string& t) {
  long long v;
  return parse_int(t, 1, 65535, v);
}
bool valid_keepalive(const std::string& t) {
  long long v;
  return parse_int(t, 5, 3600, v);
}
bool valid_queue_max(const std::string& t) {
  long long v;
  return parse_int(t, 1, 100000000, v);
}
bool valid_interval(const std::string& t) {
  long long v;
  return parse_int(t, 1, 86400, v);
}
bool valid_stale_after(const std::string& t) {
  long long v;
  return parse_int(t, 2, 86400, v);
}
bool valid_unit_id(const std::string& t) {
  long long v;
  return parse_int(t, 1, 247, v);
}
bool valid_port_or_off(const std::string& t) {
  long long v;
  return parse_int(t, 0, 65535, v);
}
bool valid_data_bits(const std::string& t) { return t.size() == 1 && t[0] >= '5' && t[0] <= '8'; }
bool valid_stop_bits(const std::string& t) { return t == "1" || t == "2"; }
bool valid_parity(const std::string& t) {
  return t == "none" || t == "even" || t == "odd" || t == "N" || t == "E" || t == "O" || t == "n" || t == "e" ||
         t == "o";
}
bool valid_log_level(const std::string& t) {
  LogLevel level;
  return parse_log_level(t, level);
}
bool non_empty(const std::string& t) { return !t.empty(); }
// The schema's validator (the device's web_api_token setting), so both
// front-ends accept the same tokens; a token is required here once the key is given.
bool api_token(const std::string& t) { return !t.empty() && p1::valid_api_token(p1::Span<const char>(t.data(), t.size())); }
bool any(const std::string&) { return true; }
bool topic_prefix(const std::string& t) {
  return !t.empty() && t.find_first_of("+# ") == std::string::npos && t.front() != '/' && t.back() != '/';
}
bool meter_name(const std::string& t) {
  if (t.empty() || t.size() > 32) return false;
  for (char c : t) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

using T = ValueType;
const ConfigKey kKeys[] = {
    {"mqtt", "host", T::kString, "P1BRIDGE_MQTT_HOST", SettingId::kMqttHost, nullptr, nullptr},
    {"mqtt", "port", T::kInteger, "P1BRIDGE_MQTT_PORT", SettingId::kMqttPort, nullptr, nullptr},
    {"mqtt", "user", T::kString, "P1BRIDGE_MQTT_USER", SettingId::kMqttUser, nullptr, nullptr},
    {"mqtt", "password", T::kString, "P1BRIDGE_MQTT_PASSWORD", SettingId::kMqttPassword, nullptr, nullptr},
    {"mqtt", "client_id", T::kString, "P1BRIDGE_MQTT_CLIENT_ID", SettingId::kMqttClientId, nullptr, nullptr},
    {"mqtt", "fingerprint", T::kString, "P1BRIDGE_MQTT_FINGERPRINT", SettingId::kMqttFingerprint, nullptr, nullptr},
    {"mqtt", "modes", T::kStringList, "P1BRIDGE_MQTT_MODES", SettingId::kMessageMode, nullptr, nullptr},
    {"mqtt", "discovery", T::kBool, "P1BRIDGE_MQTT_DISCOVERY", SettingId::kDiscovery, nullptr, nullptr},
    {"mqtt", "qos", T::kInteger, "P1BRIDGE_MQTT_QOS", kProgramOnly, valid_qos, "0, 1 or 2"},
    {"mqtt", "retain", T::kBool, "P1BRIDGE_MQTT_RETAIN", kProgramOnly, valid_bool, "true or false"},
    {"mqtt", "ca_file", T::kString, "P1BRIDGE_MQTT_CA_FILE", kProgramOnly, any, "a CA certificate file (PEM)"},
    {"mqtt", "discovery_prefix", T::kString, nullptr, kProgramOnly, topic_prefix,
     "a topic prefix without + or # (default homeassistant)"},
    {"mqtt", "keepalive", T::kInteger, nullptr, kProgramOnly, valid_keepalive, "5 to 3600 seconds"},
    {"web", "enabled", T::kBool, nullptr, kProgramOnly, valid_bool, "true or false"},
    {"web", "bind", T::kString, "P1BRIDGE_WEB_BIND", kProgramOnly, non_empty, "an address such as 0.0.0.0"},
    {"web", "port", T::kInteger, "P1BRIDGE_WEB_PORT", kProgramOnly, valid_port, "a port number 1-65535"},
    {"web", "key", T::kString, "P1BRIDGE_WEB_KEY", SettingId::kWebKey, nullptr, nullptr},
    // The read-only JSON API (/api/v1/values, /api/v1/history); issue 13 section 4.
    {"web", "api", T::kBool, "P1BRIDGE_WEB_API", kProgramOnly, valid_bool, "true or false"},
    {"web", "api_token", T::kString, "P1BRIDGE_WEB_API_TOKEN", kProgramOnly, api_token,
     "16 to 128 printable characters without spaces"},
    {"queue", "dir", T::kString, "P1BRIDGE_QUEUE_DIR", kProgramOnly, non_empty, "a directory"},
    {"queue", "max_messages", T::kInteger, nullptr, kProgramOnly, valid_queue_max, "at least 1"},
    {"log", "level", T::kString, "P1BRIDGE_LOG_LEVEL", kProgramOnly, valid_log_level, "debug, info, warn or error"},
    {"log", "status_interval", T::kInteger, nullptr, kProgramOnly, valid_interval, "1 to 86400 seconds"},
    {"meter", "name", T::kString, nullptr, kProgramOnly, meter_name, "1 to 32 letters, digits, - or _"},
    {"meter", "source", T::kString, nullptr, SettingId::kSerialPort, nullptr, nullptr},
    {"meter", "baud", T::kInteger, nullptr, SettingId::kSerialBaud, nullptr, nullptr},
    {"meter", "parity", T::kString, nullptr, kProgramOnly, valid_parity, "none, even or odd"},
    {"meter", "data_bits", T::kInteger, nullptr, kProgramOnly, valid_data_bits, "5 to 8"},
    {"meter", "stop_bits", T::kInteger, nullptr, kProgramOnly, valid_stop_bits, "1 or 2"},
    {"meter", "key", T::kString, "P1BRIDGE_KEY", SettingId::kMeterKey, nullptr, nullptr},
    {"meter", "auth_key", T::kString, "P1BRIDGE_AUTH_KEY", SettingId::kAuthKey, nullptr, nullptr},
    {"meter", "base", T::kString, nullptr, SettingId::kMqttBase, nullptr, nullptr},
    {"meter", "profile", T::kString, nullptr, SettingId::kMeterProfile, nullptr, nullptr},
    {"meter", "stale_after", T::kInteger, nullptr, kProgramOnly, valid_stale_after, "2 to 86400 seconds"},
    {"meter", "allow_plaintext", T::kBool, nullptr, kProgramOnly, valid_bool, "true or false"},
    {"meter", "sunspec", T::kBool, nullptr, kProgramOnly, valid_bool, "true or false"},
    {"meter", "sunspec_port", T::kInteger, nullptr, kProgramOnly, valid_port, "a port number 1-65535 (Fronius: 502)"},
    {"meter", "sunspec_unit_id", T::kInteger, nullptr, kProgramOnly, valid_unit_id, "a Modbus unit id 1-247"},
    {"meter", "shelly", T::kBool, nullptr, kProgramOnly, valid_bool, "true or false"},
    {"meter", "shelly_port", T::kInteger, nullptr, kProgramOnly, valid_port, "a port number 1-65535 (Shelly: 80)"},
    {"meter", "shelly_udp_port", T::kInteger, nullptr, kProgramOnly, valid_port_or_off,
     "a port number 1-65535 (Shelly: 1010), or 0 for no UDP"},
    {"meter", "serve_bind", T::kString, nullptr, kProgramOnly, non_empty, "an address such as 0.0.0.0"},
    {"meter", "acknowledge", T::kBool, nullptr, SettingId::kMeterAck, nullptr, nullptr},
};

char parity_letter(Parity p) { return p == Parity::kNone ? 'N' : p == Parity::kEven ? 'E' : 'O'; }

// The schema stores the output modes as digits (0 raw, 1 topics, 2 JSON);
// the file and flags name them.
bool modes_to_digits(const std::string& list, std::string& digits) {
  std::stringstream ss(list);
  std::string mode;
  digits.clear();
  while (std::getline(ss, mode, ',')) {
    while (!mode.empty() && mode.front() == ' ') mode.erase(mode.begin());
    while (!mode.empty() && mode.back() == ' ') mode.pop_back();
    char d = mode == "raw" || mode == "0" ? '0' : mode == "topics" || mode == "1" ? '1'
             : mode == "json" || mode == "2"                                     ? '2'
                                                                                 : 'x';
    if (d == 'x') return false;
    if (digits.find(d) == std::string::npos) digits += d;
  }
  return true;
}

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == '"' || c == '\\') {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02X", static_cast<unsigned char>(c));
      out += hex;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string where(const ConfigKey& key) { return std::string(key.section) + "." + key.name; }

// Secrets among the program-only keys (the schema knows its own): never
// echoed in a refusal.
bool program_secret(const ConfigKey& key) { return where(key) == "web.api_token"; }

// Stores a value the schema accepted (canonical form) into the typed config.
void store_schema_value(Config& c, MeterConfig* m, SettingId id, const std::string& v) {
  switch (id) {
    case SettingId::kMqttHost: c.mqtt.host = v; break;
    case SettingId::kMqttPort: c.mqtt.port = std::atoi(v.c_str()); break;
    case SettingId::kMqttUser: c.mqtt.user = v; break;
    case SettingId::kMqttPassword: c.mqtt.password = v; break;
    case SettingId::kMqttClientId: c.mqtt.client_id = v; break;
    case SettingId::kMqttFingerprint: c.mqtt.fingerprint = v; break;
    case SettingId::kMessageMode:
      c.mqtt.raw = v.find('0') != std::string::npos;
      c.mqtt.topics = v.find('1') != std::string::npos;
      c.mqtt.json = v.find('2') != std::string::npos;
      break;
    case SettingId::kDiscovery: c.mqtt.discovery = v == "1"; break;
    case SettingId::kWebKey: c.web.key = v; break;
    case SettingId::kSerialPort: m->source = v; break;
    case SettingId::kSerialBaud: m->baud = std::atoi(v.c_str()); break;
    case SettingId::kMeterKey: m->key_hex = v; break;
    case SettingId::kAuthKey: m->auth_key_hex = v; break;
    case SettingId::kMqttBase: m->base = v; break;
    case SettingId::kMeterProfile: m->profile = v == "auto" ? "" : v; break;
    case SettingId::kMeterAck: m->acknowledge = v == "1"; break;
    case SettingId::kSerialFormat:
      m->data_bits = v[0] - '0';
      m->parity = v[1] == 'N' ? Parity::kNone : v[1] == 'E' ? Parity::kEven : Parity::kOdd;
      m->stop_bits = v[2] - '0';
      break;
    default: break;
  }
}

// The schema's text of a setting held in the typed config (the inverse of
// store_schema_value).
std::string schema_text_of(const Config& c, const MeterConfig* m, SettingId id) {
  switch (id) {
    case SettingId::kMqttHost: return c.mqtt.host;
    case SettingId::kMqttPort: return std::to_string(c.mqtt.port);
    case SettingId::kMqttUser: return c.mqtt.user;
    case SettingId::kMqttPassword: return c.mqtt.password;
    case SettingId::kMqttClientId: return c.mqtt.client_id;
    case SettingId::kMqttFingerprint: return c.mqtt.fingerprint;
    case SettingId::kMessageMode:
      return std::string(c.mqtt.raw ? "0" : "") + (c.mqtt.topics ? "1" : "") + (c.mqtt.json ? "2" : "");
    case SettingId::kDiscovery: return c.mqtt.discovery ? "1" : "0";
    case SettingId::kWebKey: return c.web.key;
    default: break;
  }
  if (m == nullptr) return {};
  switch (id) {
    case SettingId::kSerialPort: return m->source;
    case SettingId::kSerialBaud: return std::to_string(m->baud);
    case SettingId::kMeterKey: return m->key_hex;
    case SettingId::kAuthKey: return m->auth_key_hex;
    case SettingId::kMqttBase: return m->base;
    case SettingId::kMeterProfile: return m->profile.empty() ? "auto" : m->profile;
    case SettingId::kMeterAck: return m->acknowledge ? "1" : "0";
    case SettingId::kSerialFormat:
      return std::to_string(m->data_bits) + parity_letter(m->parity) + std::to_string(m->stop_bits);
    default: return {};
  }
}

// Checks `schema_text` with the schema's validator; stores the canonical value.
std::string set_schema(Config& c, MeterConfig* m, SettingId id, const std::string& schema_text, const std::string& name,
                       const std::string& shown) {
  char canonical[p1::kMaxSettingInput];
  size_t n = 0;
  p1::SettingError e = p1::check_setting(id, p1::Span<const char>(schema_text.data(), schema_text.size()),
                                         p1::CharSpan(canonical, sizeof canonical), n);
  if (e != p1::SettingError::kNone) {
    const char* expected = p1::setting_spec(id).expected().host_string();
    std::string given = p1::setting_is_secret(id) ? std::string("a value of ") + std::to_string(shown.size()) +
                                                        " characters"
                                                  : quoted(shown);
    return name + ": expected " + expected + ", got " + given;
  }
  store_schema_value(c, m, id, std::string(canonical, n));
  return {};
}

}  // namespace

bool parse_bool_text(const std::string& t, bool& out) {
  if (t == "true" || t == "1" || t == "yes" || t == "on") {
    out = true;
  } else if (t == "false" || t == "0" || t == "no" || t == "off") {
    out = false;
  } else {
    return false;
  }
  return true;
}

const ConfigKey* config_keys_begin() { return kKeys; }
const ConfigKey* config_keys_end() { return kKeys + sizeof kKeys / sizeof kKeys[0]; }

const ConfigKey* find_config_key(const std::string& section, const std::string& name) {
  for (const ConfigKey& k : kKeys) {
    if (section == k.section && name == k.name) return &k;
  }
  return nullptr;
}

const ConfigKey* config_key_for(SettingId setting) {
  for (const ConfigKey& k : kKeys) {
    if (k.setting == setting) return &k;
  }
  return nullptr;
}

std::string config_key_names(const std::string& section) {
  std::string out;
  for (const ConfigKey& k : kKeys) {
    if (section == k.section) out += (out.empty() ? "" : ", ") + std::string(k.name);
  }
  return out;
}

std::string set_config_value(Config& c, MeterConfig* m, const ConfigKey& key, const std::string& text) {
  std::string name = where(key);
  if (std::strcmp(key.section, "meter") == 0 && m == nullptr) return name + ": no meter to apply it to";
  if (key.setting == SettingId::kMessageMode) {
    std::string digits;
    if (!modes_to_digits(text, digits)) return name + ": expected raw, topics and/or json, got " + quoted(text);
    return set_schema(c, m, key.setting, digits, name, text);
  }
  if (key.setting == SettingId::kDiscovery || key.setting == SettingId::kMeterAck) {
    bool b;
    if (!parse_bool_text(text, b)) return name + ": expected true or false, got " + quoted(text);
    return set_schema(c, m, key.setting, b ? "1" : "0", name, text);
  }
  // Earlier versions wrote `profile = ""` for "detect".
  if (key.setting == SettingId::kMeterProfile && text.empty()) return set_schema(c, m, key.setting, "auto", name, text);
  if (key.setting != kProgramOnly) return set_schema(c, m, key.setting, text, name, text);

  if (!key.valid(text)) {
    return name + ": expected " + key.expected + ", got " +
           (program_secret(key) ? "a value of " + std::to_string(text.size()) + " characters" : quoted(text));
  }
  // The line format is one schema setting (serial_format, "8E1") spread over
  // three keys: each is checked again as part of the whole.
  if (key.name == std::string("parity") || key.name == std::string("data_bits") || key.name == std::string("stop_bits")) {
    std::string format = std::to_string(m->data_bits) + parity_letter(m->parity) + std::to_string(m->stop_bits);
    if (key.name == std::string("parity")) format[1] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
    if (key.name == std::string("data_bits")) format[0] = text[0];
    if (key.name == std::string("stop_bits")) format[2] = text[0];
    return set_schema(c, m, SettingId::kSerialFormat, format, name, text);
  }
  bool b = false;
  parse_bool_text(text, b);
  const std::string s(key.section), n(key.name);
  if (s == "mqtt" && n == "qos") c.mqtt.qos = std::atoi(text.c_str());
  else if (s == "mqtt" && n == "retain") c.mqtt.retain = b;
  else if (s == "mqtt" && n == "ca_file") c.mqtt.ca_file = text;
  else if (s == "mqtt" && n == "discovery_prefix") c.mqtt.discovery_prefix = text;
  else if (s == "mqtt" && n == "keepalive") c.mqtt.keepalive = std::atoi(text.c_str());
  else if (s == "web" && n == "enabled") c.web.enabled = b;
  else if (s == "web" && n == "bind") c.web.bind = text;
  else if (s == "web" && n == "port") c.web.port = std::atoi(text.c_str());
  else if (s == "web" && n == "api") c.web.api = b;
  else if (s == "web" && n == "api_token") c.web.api_token = text;
  else if (s == "queue" && n == "dir") c.queue_dir = text;
  else if (s == "queue" && n == "max_messages") c.queue_max = static_cast<size_t>(std::atoll(text.c_str()));
  else if (s == "log" && n == "level") c.log_level = text;
  else if (s == "log" && n == "status_interval") c.status_interval = std::atoi(text.c_str());
  else if (s == "meter" && n == "name") m->name = text;
  else if (s == "meter" && n == "stale_after") m->stale_after = std::atoi(text.c_str());
  else if (s == "meter" && n == "allow_plaintext") m->allow_plaintext = b;
  else if (s == "meter" && n == "sunspec") m->sunspec = b;
  else if (s == "meter" && n == "sunspec_port") m->sunspec_port = std::atoi(text.c_str());
  else if (s == "meter" && n == "sunspec_unit_id") m->sunspec_unit_id = std::atoi(text.c_str());
  else if (s == "meter" && n == "shelly") m->shelly = b;
  else if (s == "meter" && n == "shelly_port") m->shelly_port = std::atoi(text.c_str());
  else if (s == "meter" && n == "shelly_udp_port") m->shelly_udp_port = std::atoi(text.c_str());
  else if (s == "meter" && n == "serve_bind") m->serve_bind = text;
  return {};
}

p1::Settings settings_from_config(const Config& c) {
  p1::Settings s;
  const MeterConfig* m = c.meters.empty() ? nullptr : &c.meters[0];
  for (const p1::SettingSpec& spec : p1::setting_specs()) {
    if (!spec.applies(false)) continue;
    std::string text = schema_text_of(c, m, spec.id());
    const ConfigKey* key = config_key_for(spec.id());  // none for serial_format: a meter's
    bool meter_setting = key == nullptr || std::strcmp(key->section, "meter") == 0;
    // Every value in the config passed the schema on its way in.
    if (m != nullptr || !meter_setting) s.set(spec.id(), text.c_str());
  }
  return s;
}

void apply_settings(const p1::Settings& s, Config& c) {
  if (c.meters.empty()) c.meters.emplace_back();
  for (const p1::SettingSpec& spec : p1::setting_specs()) {
    if (spec.applies(false)) store_schema_value(c, &c.meters[0], spec.id(), s.get(spec.id()));
  }
}

std::string config_value_text(const Config& c, const MeterConfig* m, const ConfigKey& key) {
  const std::string s(key.section), n(key.name);
  auto yes = [](bool b) { return std::string(b ? "true" : "false"); };
  if (s == "mqtt") {
    if (n == "host") return c.mqtt.host;
    if (n == "port") return std::to_string(c.mqtt.port);
    if (n == "user") return c.mqtt.user;
    if (n == "password") return c.mqtt.password;
    if (n == "client_id") return c.mqtt.client_id;
    if (n == "fingerprint") return c.mqtt.fingerprint;
    if (n == "modes") {
      std::string out;
      if (c.mqtt.raw) out += "raw";
      if (c.mqtt.topics) out += std::string(out.empty() ? "" : ",") + "topics";
      if (c.mqtt.json) out += std::string(out.empty() ? "" : ",") + "json";
      return out;
    }
    if (n == "discovery") return yes(c.mqtt.discovery);
    if (n == "qos") return std::to_string(c.mqtt.qos);
    if (n == "retain") return yes(c.mqtt.retain);
    if (n == "ca_file") return c.mqtt.ca_file;
    if (n == "discovery_prefix") return c.mqtt.discovery_prefix;
    if (n == "keepalive") return std::to_string(c.mqtt.keepalive);
  } else if (s == "web") {
    if (n == "enabled") return yes(c.web.enabled);
    if (n == "bind") return c.web.bind;
    if (n == "port") return std::to_string(c.web.port);
    if (n == "key") return c.web.key;
    if (n == "api") return yes(c.web.api);
    if (n == "api_token") return c.web.api_token;
  } else if (s == "queue") {
    if (n == "dir") return c.queue_dir;
    if (n == "max_messages") return std::to_string(c.queue_max);
  } else if (s == "log") {
    if (n == "level") return c.log_level;
    if (n == "status_interval") return std::to_string(c.status_interval);
  } else if (m != nullptr) {
    if (n == "name") return m->name;
    if (n == "source") return m->source;
    if (n == "baud") return std::to_string(m->baud);
    if (n == "parity") return m->parity == Parity::kNone ? "none" : m->parity == Parity::kEven ? "even" : "odd";
    if (n == "data_bits") return std::to_string(m->data_bits);
    if (n == "stop_bits") return std::to_string(m->stop_bits);
    if (n == "key") return m->key_hex;
    if (n == "auth_key") return m->auth_key_hex;
    if (n == "base") return m->base;
    if (n == "profile") return m->profile;
    if (n == "stale_after") return std::to_string(m->stale_after);
    if (n == "allow_plaintext") return yes(m->allow_plaintext);
    if (n == "sunspec") return yes(m->sunspec);
    if (n == "sunspec_port") return std::to_string(m->sunspec_port);
    if (n == "sunspec_unit_id") return std::to_string(m->sunspec_unit_id);
    if (n == "shelly") return yes(m->shelly);
    if (n == "shelly_port") return std::to_string(m->shelly_port);
    if (n == "shelly_udp_port") return std::to_string(m->shelly_udp_port);
    if (n == "serve_bind") return m->serve_bind;
    if (n == "acknowledge") return yes(m->acknowledge);
  }
  return {};
}

}  // namespace p1d

#include "p1/device/settings/settings.h"

#include <cstring>

#include "p1/cosem/layouts/body_layout.h"

namespace p1 {

namespace {

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_alnum(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool equals(Span<const char> v, const char* text) {
  size_t n = std::strlen(text);
  return v.size() == n && std::memcmp(v.data(), text, n) == 0;
}

bool printable(Span<const char> v) {
  for (char c : v) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return false;
  }
  return true;
}

constexpr char kInsecure[] = "[insecure]";

size_t count_hex(Span<const char> v, bool allow_separators) {
  size_t n = 0;
  for (char c : v) {
    if (is_hex(c)) {
      ++n;
    } else if (!(allow_separators && (c == ':' || c == ' '))) {
      return SIZE_MAX;
    }
  }
  return n;
}

bool any_text(Span<const char> v) { return printable(v); }
bool wifi_password(Span<const char> v) { return v.empty() || (v.size() >= 8 && v.size() <= 63 && printable(v)); }
bool host(Span<const char> v) {
  if (v.empty()) return false;
  for (char c : v) {
    if (!is_alnum(c) && c != '.' && c != '-' && c != ':' && c != '_') return false;
  }
  return true;
}
bool port(Span<const char> v) {
  if (v.empty() || v.size() > 5) return false;
  unsigned n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + static_cast<unsigned>(c - '0');
  }
  return n >= 1 && n <= 65535;
}
bool fingerprint(Span<const char> v) {
  if (equals(v, kInsecure)) return true;
  size_t n = count_hex(v, false);
  return n == 40 || n == 64;
}
bool client_id(Span<const char> v) {
  if (v.empty()) return false;
  for (char c : v) {
    if (!is_alnum(c) && c != '-' && c != '_') return false;
  }
  return true;
}
bool base_topic(Span<const char> v) {
  if (v.empty() || v[0] == '/' || v[v.size() - 1] == '/') return false;
  for (char c : v) {
    if (c == '+' || c == '#' || static_cast<unsigned char>(c) <= ' ') return false;
  }
  return true;
}
bool message_mode(Span<const char> v) {
  // One or more of 0 (raw), 1 (topics), 2 (JSON), each once.
  if (v.empty()) return false;
  bool seen[3] = {};
  for (char c : v) {
    if (c < '0' || c > '2' || seen[c - '0']) return false;
    seen[c - '0'] = true;
  }
  return true;
}
// A passkey a person types (a phrase like "correct-horse-battery" is fine):
// printable ASCII; empty means "generate one".
bool web_key(Span<const char> v) {
  if (v.empty()) return true;
  if (v.size() < 8) return false;
  for (char c : v) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return v[0] != ' ' && v[v.size() - 1] != ' ';
}
bool aes_key(Span<const char> v) { return v.empty() || count_hex(v, false) == 32; }
bool profile(Span<const char> v) {
  if (equals(v, "auto")) return true;
  for (const BodyLayout& layout : body_layouts()) {
    if (equals(v, layout.name)) return true;
  }
  return false;
}
bool boolean(Span<const char> v) { return equals(v, "0") || equals(v, "1"); }

// ---- options: the values a select, a switch or a flag offers --------------

// "value=label|value|...": a value without "=" is its own label. One text per
// list, read by both the validator and the form, so they cannot disagree.
bool listed_option(const char* list, size_t index, SettingOption& out) {
  const char* p = list;
  for (size_t i = 0; *p != '\0'; ++i) {
    const char* end = p;
    while (*end != '\0' && *end != '|') ++end;
    if (i == index) {
      const char* eq = p;
      while (eq < end && *eq != '=') ++eq;
      out.value = Span<const char>(p, static_cast<size_t>(eq - p));
      out.label = eq < end ? Span<const char>(eq + 1, static_cast<size_t>(end - eq - 1)) : out.value;
      return true;
    }
    p = *end == '|' ? end + 1 : end;
  }
  return false;
}

bool listed(const char* list, Span<const char> v) {
  SettingOption o;
  for (size_t i = 0; listed_option(list, i, o); ++i) {
    if (o.value.size() == v.size() && std::memcmp(o.value.data(), v.data(), v.size()) == 0) return true;
  }
  return false;
}

constexpr char kBaudRates[] = "300|600|1200|2400|4800|9600|19200|38400|57600|115200|230400";
constexpr char kModes[] = "0=raw|1=topics|2=JSON";
constexpr char kOnOff[] = "1=on|0=off";

bool baud_option(size_t i, SettingOption& o) { return listed_option(kBaudRates, i, o); }
bool mode_option(size_t i, SettingOption& o) { return listed_option(kModes, i, o); }
bool switch_option(size_t i, SettingOption& o) { return listed_option(kOnOff, i, o); }
// "auto", then every body layout by name (the same table profile() checks).
bool profile_option(size_t i, SettingOption& o) {
  Span<const BodyLayout> layouts = body_layouts();
  if (i > layouts.size()) return false;
  const char* name = i == 0 ? "auto" : layouts[i - 1].name;
  o.value = o.label = Span<const char>(name, std::strlen(name));
  return true;
}

bool baud(Span<const char> v) { return listed(kBaudRates, v); }
bool serial_format(Span<const char> v) {
  return v.size() == 3 && v[0] >= '5' && v[0] <= '8' && (v[1] == 'N' || v[1] == 'E' || v[1] == 'O') &&
         (v[2] == '1' || v[2] == '2');
}

bool starts_with(Span<const char> v, const char* prefix) {
  size_t n = std::strlen(prefix);
  return v.size() >= n && std::memcmp(v.data(), prefix, n) == 0;
}

// Serial device, tcp://host:port (ser2net; the port is required), file:path
// (a capture replayed) or "-" (stdin).
bool serial_port(Span<const char> v) {
  if (v.empty() || !printable(v)) return false;
  if (equals(v, "-") || v[0] == '/') return true;
  if (starts_with(v, "file:")) return v.size() > 5;
  if (!starts_with(v, "tcp://")) return false;
  Span<const char> rest = v.subspan(6);
  size_t colon = SIZE_MAX;
  for (size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == ':') colon = i;
  }
  if (colon == SIZE_MAX || colon == 0) return false;
  return host(rest.first(colon)) && port(rest.subspan(colon + 1));
}

// ---- normalisers ----------------------------------------------------------

char upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

// Operators print keys in groups ("36:C6:66..", "36 C6 66..", "36-C6-.."):
// all spellings become the same 32 upper-case digits.
size_t hex_without_separators(Span<const char> v, CharSpan out) {
  if (equals(v, kInsecure)) {
    if (v.size() > out.size()) return SIZE_MAX;
    std::memcpy(out.data(), v.data(), v.size());
    return v.size();
  }
  size_t n = 0;
  for (char c : v) {
    if (c == ' ' || c == ':' || c == '-') continue;
    if (n == out.size()) return SIZE_MAX;
    out[n++] = upper(c);
  }
  return n;
}

size_t upper_case(Span<const char> v, CharSpan out) {
  if (v.size() > out.size()) return SIZE_MAX;
  for (size_t i = 0; i < v.size(); ++i) out[i] = upper(v[i]);
  return v.size();
}

using K = SettingKind;
using G = SettingGroup;
using S = SettingScope;
// Help texts are short on purpose: the ESP8266 keeps this table in RAM.
constexpr SettingSpec kSpecs[] = {
    {SettingId::kWifiSsid, "wifi_ssid", "WiFi SSID", K::kText, 32, "", "up to 32 characters", any_text, S::kDevice,
     G::kWifi, "The 2.4 GHz network to join", nullptr},
    {SettingId::kWifiPassword, "wifi_password", "WiFi password", K::kSecret, 63, "", "8 to 63 characters, or empty",
     wifi_password, S::kDevice, G::kWifi, "Empty for an open network", nullptr},
    {SettingId::kMqttHost, "mqtt_host", "MQTT broker address", K::kText, 64, "127.0.0.1",
     "a host name or IP address", host, S::kBoth, G::kMqtt, "Where the broker runs", nullptr},
    {SettingId::kMqttPort, "mqtt_port", "MQTT port", K::kNumber, 5, "1883", "a port number 1-65535", port, S::kBoth,
     G::kMqtt, "1883 plain, usually 8883 with TLS", nullptr},
    {SettingId::kMqttFingerprint, "mqtt_fingerprint", "Certificate fingerprint", K::kText, 64, "[insecure]",
     "40 (SHA-1) or 64 (SHA-256) hex digits, or [insecure] for no TLS", fingerprint, S::kBoth, G::kMqtt,
     "Pins the broker's TLS certificate", nullptr, hex_without_separators},
    {SettingId::kMqttUser, "mqtt_user", "MQTT user", K::kText, 32, "power-meter", "up to 32 characters", any_text,
     S::kBoth, G::kMqtt, "As set up on the broker", nullptr},
    {SettingId::kMqttPassword, "mqtt_password", "MQTT password", K::kSecret, 64, "", "up to 64 characters", any_text,
     S::kBoth, G::kMqtt, "As set up on the broker", nullptr},
    {SettingId::kMqttClientId, "mqtt_client_id", "MQTT client id", K::kText, 23, "p1bridge",
     "1 to 23 letters, digits, - or _", client_id, S::kBoth, G::kMqtt, "Unique on the broker", nullptr},
    {SettingId::kMqttBase, "mqtt_base", "MQTT base path", K::kText, 64, "smartmeter",
     "a topic without + or # and without leading or trailing /", base_topic, S::kBoth, G::kMqtt,
     "Topics begin with it: <base>/json", nullptr},
    {SettingId::kMessageMode, "message_mode", "Message mode", K::kFlags, 3, "2",
     "0, 1, 2 or a combination such as 12", message_mode, S::kBoth, G::kMqtt, "What each reading is published as",
     mode_option},
    {SettingId::kWebKey, "web_key", "Webpage key", K::kSecret, 64, "",
     "8 to 64 printable characters (empty: generate one)", web_key, S::kBoth, G::kWeb, "The passkey of this page",
     nullptr},
    {SettingId::kMeterKey, "meter_key", "Meter decryption key", K::kSecret, 32, "",
     "32 hex digits (16 bytes) from the grid operator; spaces, : or - between pairs are fine", aes_key, S::kBoth,
     G::kMeter, "From the grid operator's letter", nullptr, hex_without_separators},
    {SettingId::kAuthKey, "auth_key", "Meter authentication key", K::kSecret, 32, "",
     "32 hex digits, or empty if the meter does not authenticate", aes_key, S::kBoth, G::kMeter,
     "Only for meters that authenticate", nullptr, hex_without_separators},
    {SettingId::kMeterProfile, "meter_profile", "Meter profile", K::kChoice, 24, "auto",
     "auto or a profile name (evn, ksm-west, wiener-netze, ...)", profile, S::kBoth, G::kMeter,
     "auto recognises the layout", profile_option},
    {SettingId::kDiscovery, "ha_discovery", "Home Assistant discovery", K::kBool, 1, "1", "1 or 0", boolean, S::kBoth,
     G::kIntegrations, "Announce the sensors to Home Assistant", switch_option},
    {SettingId::kSerialBaud, "serial_baud", "Serial baud rate", K::kChoice, 6, "2400",
     "a standard rate such as 2400 or 115200", baud, S::kBoth, G::kMeter, "2400 M-Bus, 9600 infrared, 115200 P1",
     baud_option},
    {SettingId::kSerialFormat, "serial_format", "Serial format", K::kText, 3, "8E1",
     "data bits, parity, stop bits, e.g. 8E1 or 8N1", serial_format, S::kBoth, G::kMeter,
     "8E1 M-Bus, 8N1 infrared and P1", nullptr, upper_case},
    {SettingId::kSerialPort, "serial_port", "Meter port (serial device, tcp://host:port)", K::kText, 95,
     "/dev/ttyUSB0", "a device path such as /dev/ttyUSB0, tcp://host:port, file:path or -", serial_port, S::kHost,
     G::kMeter, nullptr, nullptr},
    // On: frames addressed to the reader (only AMIS meters send them) get
    // their E5; other meters never address it, so nothing is sent to them.
    {SettingId::kMeterAck, "meter_ack", "Answer the meter", K::kBool, 1, "1", "1 or 0", boolean, S::kBoth, G::kMeter,
     "E5 to an AMIS meter (Netz OÖ); others are never answered", switch_option},
};
static_assert(sizeof kSpecs / sizeof kSpecs[0] == kSettingCount, "one spec per setting");

// Each value's place in the packed storage, computed from the capacities at
// compile time (a table in flash, not RAM).
struct Offsets {
  uint16_t of[kSettingCount + 1] = {};
  constexpr Offsets() {
    for (size_t i = 0; i < kSettingCount; ++i) of[i + 1] = static_cast<uint16_t>(of[i] + kSpecs[i].capacity + 1);
  }
};
constexpr Offsets kOffsets{};
static_assert(kOffsets.of[kSettingCount] == kSettingsStorage, "kSettingsStorage = sum of (capacity + 1)");
constexpr bool ids_in_order() {
  for (size_t i = 0; i < kSettingCount; ++i) {
    if (static_cast<size_t>(kSpecs[i].id) != i || kSpecs[i].capacity > Settings::kMaxValue) return false;
  }
  return true;
}
static_assert(ids_in_order(), "specs in SettingId order, capacities within kMaxValue");

}  // namespace

Span<const SettingSpec> setting_specs() { return Span<const SettingSpec>(kSpecs); }

const SettingSpec& setting_spec(SettingId id) { return kSpecs[static_cast<size_t>(id)]; }

const SettingSpec* find_setting(Span<const char> key) {
  for (const SettingSpec& s : kSpecs) {
    if (equals(key, s.key)) return &s;
  }
  return nullptr;
}

const char* group_name(SettingGroup group) {
  switch (group) {
    case SettingGroup::kWifi: return "wifi";
    case SettingGroup::kMqtt: return "mqtt";
    case SettingGroup::kMeter: return "meter";
    case SettingGroup::kWeb: return "web";
    case SettingGroup::kIntegrations: return "integrations";
  }
  return "other";
}

bool setting_is_secret(SettingId id) { return setting_spec(id).kind == SettingKind::kSecret; }

const char* describe(SettingError error) {
  switch (error) {
    case SettingError::kNone: return "ok";
    case SettingError::kTooLong: return "value too long";
    case SettingError::kInvalid: return "invalid value";
    case SettingError::kUnknownField: return "unknown setting";
  }
  return "invalid";
}

size_t Settings::offset(SettingId id) { return kOffsets.of[static_cast<size_t>(id)]; }

void Settings::set_defaults() {
  for (const SettingSpec& spec : kSpecs) {
    size_t n = std::strlen(spec.fallback);
    std::memcpy(storage_ + offset(spec.id), spec.fallback, n + 1);
  }
}

size_t Settings::length(SettingId id) const { return std::strlen(get(id)); }

SettingError check_setting(SettingId id, Span<const char> value, CharSpan out, size_t& out_len) {
  if (id >= SettingId::kCount) return SettingError::kUnknownField;
  const SettingSpec& spec = setting_spec(id);
  if (value.size() > kMaxSettingInput) return SettingError::kTooLong;
  size_t n;
  if (spec.normalise != nullptr) {
    n = spec.normalise(value, out);
    if (n == SIZE_MAX) return SettingError::kTooLong;
  } else {
    if (value.size() > out.size()) return SettingError::kTooLong;
    std::memcpy(out.data(), value.data(), value.size());
    n = value.size();
  }
  Span<const char> canonical(out.data(), n);
  if (!spec.valid(canonical)) return SettingError::kInvalid;
  if (n > spec.capacity) return SettingError::kTooLong;
  out_len = n;
  return SettingError::kNone;
}

SettingError Settings::set(SettingId id, Span<const char> value) {
  char canonical[kMaxSettingInput];
  size_t n = 0;
  SettingError error = check_setting(id, value, CharSpan(canonical, sizeof canonical), n);
  if (error != SettingError::kNone) return error;
  char* slot = storage_ + offset(id);
  std::memcpy(slot, canonical, n);
  slot[n] = '\0';
  return SettingError::kNone;
}

SettingError Settings::set(SettingId id, const char* value) { return set(id, Span<const char>(value, std::strlen(value))); }

bool Settings::operator==(const Settings& other) const {
  for (const SettingSpec& spec : kSpecs) {
    if (std::strcmp(get(spec.id), other.get(spec.id)) != 0) return false;
  }
  return true;
}

}  // namespace p1

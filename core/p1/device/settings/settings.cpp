#include "p1/device/settings/settings.h"

#include <cstring>

#include "p1/cosem/layouts/body_layout.h"

namespace p1 {

namespace {

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_alnum(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool equals(Span<const char> v, FlashText text) { return text.equals(v); }

bool printable(Span<const char> v) {
  for (char c : v) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return false;
  }
  return true;
}

const char kInsecureText[] P1_FLASH_DATA = "[insecure]";
constexpr FlashText kInsecure(kInsecureText);

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
  if (equals(v, P1_TEXT("auto"))) return true;
  for (const BodyLayout& layout : body_layouts()) {
    if (equals(v, FlashText(layout.name))) return true;
  }
  return false;
}
bool api_token(Span<const char> v) {
  if (v.empty()) return true;
  if (v.size() < 16 || v.size() > 128) return false;
  for (char c : v) {
    if (c <= ' ' || c > '~') return false;
  }
  return true;
}
bool boolean(Span<const char> v) { return equals(v, P1_TEXT("0")) || equals(v, P1_TEXT("1")); }

// ---- options: the values a select, a switch or a flag offers --------------

// "value=label|value|...": a value without "=" is its own label. One text per
// list (in flash), read by both the validator and the form, so they cannot
// disagree.
bool copy_option(FlashText value, size_t value_len, FlashText label, size_t label_len, SettingOption& out) {
  if (value_len + label_len + 2 > sizeof out.text) return false;
  for (size_t i = 0; i < value_len; ++i) out.text[i] = value.at(i);
  out.text[value_len] = '\0';
  out.value = Span<const char>(out.text, value_len);
  if (label_len == 0) {
    out.label = out.value;
    return true;
  }
  char* l = out.text + value_len + 1;
  for (size_t i = 0; i < label_len; ++i) l[i] = label.at(i);
  l[label_len] = '\0';
  out.label = Span<const char>(l, label_len);
  return true;
}

bool listed_option(FlashText list, size_t index, SettingOption& out) {
  size_t at = 0;
  for (size_t i = 0; list.at(at) != '\0'; ++i) {
    size_t end = at;
    size_t eq = SIZE_MAX;
    for (char c; (c = list.at(end)) != '\0' && c != '|'; ++end) {
      if (c == '=' && eq == SIZE_MAX) eq = end;
    }
    if (i == index) {
      if (eq == SIZE_MAX) return copy_option(list.from(at), end - at, FlashText(nullptr), 0, out);
      return copy_option(list.from(at), eq - at, list.from(eq + 1), end - eq - 1, out);
    }
    at = list.at(end) == '|' ? end + 1 : end;
  }
  return false;
}

bool listed(FlashText list, Span<const char> v) {
  SettingOption o;
  for (size_t i = 0; listed_option(list, i, o); ++i) {
    if (o.value.size() == v.size() && std::memcmp(o.value.data(), v.data(), v.size()) == 0) return true;
  }
  return false;
}

const char kBaudRates[] P1_FLASH_DATA = "300|600|1200|2400|4800|9600|19200|38400|57600|115200|230400";
const char kModes[] P1_FLASH_DATA = "0=raw|1=topics|2=JSON";
const char kOnOff[] P1_FLASH_DATA = "1=on|0=off";

bool baud_option(size_t i, SettingOption& o) { return listed_option(FlashText(kBaudRates), i, o); }
bool mode_option(size_t i, SettingOption& o) { return listed_option(FlashText(kModes), i, o); }
bool switch_option(size_t i, SettingOption& o) { return listed_option(FlashText(kOnOff), i, o); }
// "auto", then every body layout by name (the same table profile() checks).
bool profile_option(size_t i, SettingOption& o) {
  Span<const BodyLayout> layouts = body_layouts();
  if (i > layouts.size()) return false;
  FlashText name = i == 0 ? P1_TEXT("auto") : FlashText(layouts[i - 1].name);
  return copy_option(name, name.size(), FlashText(nullptr), 0, o);
}

bool baud(Span<const char> v) { return listed(FlashText(kBaudRates), v); }
bool serial_format(Span<const char> v) {
  return v.size() == 3 && v[0] >= '5' && v[0] <= '8' && (v[1] == 'N' || v[1] == 'E' || v[1] == 'O') &&
         (v[2] == '1' || v[2] == '2');
}

bool starts_with(Span<const char> v, FlashText prefix) {
  size_t n = prefix.size();
  return v.size() >= n && prefix.equals(v.first(n));
}

// Serial device, tcp://host:port (ser2net; the port is required), file:path
// (a capture replayed) or "-" (stdin).
bool serial_port(Span<const char> v) {
  if (v.empty() || !printable(v)) return false;
  if (equals(v, P1_TEXT("-")) || v[0] == '/') return true;
  if (starts_with(v, P1_TEXT("file:"))) return v.size() > 5;
  if (!starts_with(v, P1_TEXT("tcp://"))) return false;
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

// Each setting's texts in one flash string: key, label, default, what a
// refused value should look like, the form's help (see SettingSpec).
#define P1_SETTING_TEXTS(name, key, label, fallback, expected, help) \
  const char name[] P1_FLASH_DATA = key "\0" label "\0" fallback "\0" expected "\0" help;
P1_SETTING_TEXTS(kWifiSsidText, "wifi_ssid", "WiFi SSID", "", "up to 32 characters", "The 2.4 GHz network to join")
P1_SETTING_TEXTS(kWifiPasswordText, "wifi_password", "WiFi password", "", "8 to 63 characters, or empty",
                 "Empty for an open network")
P1_SETTING_TEXTS(kMqttHostText, "mqtt_host", "MQTT broker address", "127.0.0.1", "a host name or IP address",
                 "Where the broker runs")
P1_SETTING_TEXTS(kMqttPortText, "mqtt_port", "MQTT port", "1883", "a port number 1-65535",
                 "1883 plain, usually 8883 with TLS")
P1_SETTING_TEXTS(kMqttFingerprintText, "mqtt_fingerprint", "Certificate fingerprint", "[insecure]",
                 "40 (SHA-1) or 64 (SHA-256) hex digits, or [insecure] for no TLS", "Pins the broker's TLS certificate")
P1_SETTING_TEXTS(kMqttUserText, "mqtt_user", "MQTT user", "power-meter", "up to 32 characters",
                 "As set up on the broker")
P1_SETTING_TEXTS(kMqttPasswordText, "mqtt_password", "MQTT password", "", "up to 64 characters",
                 "As set up on the broker")
P1_SETTING_TEXTS(kMqttClientIdText, "mqtt_client_id", "MQTT client id", "p1bridge", "1 to 23 letters, digits, - or _",
                 "Unique on the broker")
P1_SETTING_TEXTS(kMqttBaseText, "mqtt_base", "MQTT base path", "smartmeter",
                 "a topic without + or # and without leading or trailing /", "Topics begin with it: <base>/json")
P1_SETTING_TEXTS(kMessageModeText, "message_mode", "Message mode", "2", "0, 1, 2 or a combination such as 12",
                 "What each reading is published as")
P1_SETTING_TEXTS(kWebKeyText, "web_key", "Webpage key", "", "8 to 64 printable characters (empty: generate one)",
                 "The passkey of this page")
P1_SETTING_TEXTS(kMeterKeyText, "meter_key", "Meter decryption key", "",
                 "32 hex digits (16 bytes) from the grid operator; spaces, : or - between pairs are fine",
                 "From the grid operator's letter")
P1_SETTING_TEXTS(kAuthKeyText, "auth_key", "Meter authentication key", "",
                 "32 hex digits, or empty if the meter does not authenticate", "Only for meters that authenticate")
P1_SETTING_TEXTS(kMeterProfileText, "meter_profile", "Meter profile", "auto",
                 "auto or a profile name (evn, ksm-west, wiener-netze, ...)", "auto recognises the layout")
P1_SETTING_TEXTS(kDiscoveryText, "ha_discovery", "Home Assistant discovery", "1", "1 or 0",
                 "Announce the sensors to Home Assistant")
P1_SETTING_TEXTS(kSerialBaudText, "serial_baud", "Serial baud rate", "2400", "a standard rate such as 2400 or 115200",
                 "2400 M-Bus, 9600 infrared, 115200 P1")
P1_SETTING_TEXTS(kSerialFormatText, "serial_format", "Serial format", "8E1",
                 "data bits, parity, stop bits, e.g. 8E1 or 8N1", "8E1 M-Bus, 8N1 infrared and P1")
P1_SETTING_TEXTS(kSerialPortText, "serial_port", "Meter port (serial device, tcp://host:port)", "/dev/ttyUSB0",
                 "a device path such as /dev/ttyUSB0, tcp://host:port, file:path or -", "")
// On: frames addressed to the reader (only AMIS meters send them) get their
// E5; other meters never address it, so nothing is sent to them.
P1_SETTING_TEXTS(kMeterAckText, "meter_ack", "Answer the meter", "1", "1 or 0",
                 "E5 to an AMIS meter (Netz OÖ); others are never answered")
P1_SETTING_TEXTS(kSunSpecText, "sunspec", "Fronius Smart Meter (TCP)", "0", "1 or 0",
                 "Modbus TCP on port 502, unit 1: the SunSpec meter a Fronius inverter finds as its primary meter")
P1_SETTING_TEXTS(kShellyText, "shelly", "Shelly Pro 3EM emulation", "0", "1 or 0",
                 "/rpc/EM.GetStatus on port 80 and RPC over UDP port 1010, for batteries that regulate on a Shelly")
P1_SETTING_TEXTS(kWebApiText, "web_api", "Read-only JSON API", "0", "1 or 0",
                 "GET /api/v1/values for local tools: the reading, counters and demand, never a setting")
P1_SETTING_TEXTS(kWebApiTokenText, "web_api_token", "API token", "",
                 "16 to 64 printable characters without spaces, or empty",
                 "Asked as Authorization: Bearer <token>; empty: anyone on the network reads the values")
#undef P1_SETTING_TEXTS

constexpr SettingSpec kSpecs[] P1_FLASH_DATA = {
    {SettingId::kWifiSsid, kWifiSsidText, K::kText, 32, any_text, S::kDevice, G::kWifi},
    {SettingId::kWifiPassword, kWifiPasswordText, K::kSecret, 63, wifi_password, S::kDevice, G::kWifi},
    {SettingId::kMqttHost, kMqttHostText, K::kText, 64, host, S::kBoth, G::kMqtt},
    {SettingId::kMqttPort, kMqttPortText, K::kNumber, 5, port, S::kBoth, G::kMqtt},
    {SettingId::kMqttFingerprint, kMqttFingerprintText, K::kText, 64, fingerprint, S::kBoth, G::kMqtt, nullptr,
     hex_without_separators},
    {SettingId::kMqttUser, kMqttUserText, K::kText, 32, any_text, S::kBoth, G::kMqtt},
    {SettingId::kMqttPassword, kMqttPasswordText, K::kSecret, 64, any_text, S::kBoth, G::kMqtt},
    {SettingId::kMqttClientId, kMqttClientIdText, K::kText, 23, client_id, S::kBoth, G::kMqtt},
    {SettingId::kMqttBase, kMqttBaseText, K::kText, 64, base_topic, S::kBoth, G::kMqtt},
    {SettingId::kMessageMode, kMessageModeText, K::kFlags, 3, message_mode, S::kBoth, G::kMqtt, mode_option},
    {SettingId::kWebKey, kWebKeyText, K::kSecret, 64, web_key, S::kBoth, G::kWeb},
    {SettingId::kMeterKey, kMeterKeyText, K::kSecret, 32, aes_key, S::kBoth, G::kMeter, nullptr,
     hex_without_separators},
    {SettingId::kAuthKey, kAuthKeyText, K::kSecret, 32, aes_key, S::kBoth, G::kMeter, nullptr,
     hex_without_separators},
    {SettingId::kMeterProfile, kMeterProfileText, K::kChoice, 24, profile, S::kBoth, G::kMeter, profile_option},
    {SettingId::kDiscovery, kDiscoveryText, K::kBool, 1, boolean, S::kBoth, G::kIntegrations, switch_option},
    {SettingId::kSerialBaud, kSerialBaudText, K::kChoice, 6, baud, S::kBoth, G::kMeter, baud_option},
    {SettingId::kSerialFormat, kSerialFormatText, K::kText, 3, serial_format, S::kBoth, G::kMeter, nullptr,
     upper_case},
    {SettingId::kSerialPort, kSerialPortText, K::kText, 95, serial_port, S::kHost, G::kMeter},
    {SettingId::kMeterAck, kMeterAckText, K::kBool, 1, boolean, S::kBoth, G::kMeter, switch_option},
    {SettingId::kSunSpec, kSunSpecText, K::kBool, 1, boolean, S::kDevice, G::kIntegrations, switch_option},
    {SettingId::kShelly, kShellyText, K::kBool, 1, boolean, S::kDevice, G::kIntegrations, switch_option},
    {SettingId::kWebApi, kWebApiText, K::kBool, 1, boolean, S::kDevice, G::kIntegrations, switch_option},
    {SettingId::kWebApiToken, kWebApiTokenText, K::kSecret, 64, api_token, S::kDevice, G::kIntegrations},
};
static_assert(sizeof kSpecs / sizeof kSpecs[0] == kSettingCount, "one spec per setting");

// Each value's place in the packed storage, computed from the capacities at
// compile time (a table in flash, not RAM).
struct Offsets {
  uint16_t of[kSettingCount + 1] = {};
  constexpr Offsets() {
    for (size_t i = 0; i < kSettingCount; ++i) of[i + 1] = static_cast<uint16_t>(of[i] + kSpecs[i].capacity_constant() + 1);
  }
};
constexpr Offsets kOffsets{};
static_assert(kOffsets.of[kSettingCount] == kSettingsStorage, "kSettingsStorage = sum of (capacity + 1)");
constexpr bool ids_in_order() {
  for (size_t i = 0; i < kSettingCount; ++i) {
    if (kSpecs[i].id_constant() != i || kSpecs[i].capacity_constant() > Settings::kMaxValue) return false;
  }
  return true;
}
static_assert(ids_in_order(), "specs in SettingId order, capacities within kMaxValue");

}  // namespace

FlashText SettingSpec::text(size_t index) const {
  const char* p = texts_;
  for (size_t i = 0; i < index; ++i) {
    while (flash_char(p) != '\0') ++p;
    ++p;
  }
  return FlashText(p);
}

Span<const SettingSpec> setting_specs() { return Span<const SettingSpec>(kSpecs); }

const SettingSpec& setting_spec(SettingId id) { return kSpecs[static_cast<size_t>(id)]; }

const SettingSpec* find_setting(Span<const char> key) {
  for (const SettingSpec& s : kSpecs) {
    if (s.key().equals(key)) return &s;
  }
  return nullptr;
}

FlashText group_name(SettingGroup group) {
  switch (group) {
    case SettingGroup::kWifi: return P1_TEXT("wifi");
    case SettingGroup::kMqtt: return P1_TEXT("mqtt");
    case SettingGroup::kMeter: return P1_TEXT("meter");
    case SettingGroup::kWeb: return P1_TEXT("web");
    case SettingGroup::kIntegrations: return P1_TEXT("integrations");
  }
  return P1_TEXT("other");
}

bool setting_is_secret(SettingId id) { return setting_spec(id).kind() == SettingKind::kSecret; }

bool valid_api_token(Span<const char> value) { return api_token(value); }

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
    spec.fallback().copy(CharSpan(storage_ + offset(spec.id()), spec.capacity() + 1));
  }
}

size_t Settings::length(SettingId id) const { return std::strlen(get(id)); }

SettingError check_setting(SettingId id, Span<const char> value, CharSpan out, size_t& out_len) {
  if (id >= SettingId::kCount) return SettingError::kUnknownField;
  const SettingSpec& spec = setting_spec(id);
  if (value.size() > kMaxSettingInput) return SettingError::kTooLong;
  size_t n;
  if (SettingSpec::Normaliser normalise = spec.normaliser()) {
    n = normalise(value, out);
    if (n == SIZE_MAX) return SettingError::kTooLong;
  } else {
    if (value.size() > out.size()) return SettingError::kTooLong;
    std::memcpy(out.data(), value.data(), value.size());
    n = value.size();
  }
  Span<const char> canonical(out.data(), n);
  if (!spec.valid(canonical)) return SettingError::kInvalid;
  if (n > spec.capacity()) return SettingError::kTooLong;
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
    if (std::strcmp(get(spec.id()), other.get(spec.id())) != 0) return false;
  }
  return true;
}

}  // namespace p1

// The settings of a p1bridge installation: one schema shared by the serial
// wizard, the web page, the Linux config file (and its environment variables
// and flags) and the firmware's flash. Every field has a default, one
// validator and, where a value has several spellings (keys, fingerprints),
// one normaliser: whichever path a value takes, it is accepted or refused
// alike and stored in the same canonical form. A refused value is explained
// with what was expected and never stored.
#pragma once
#include <cstddef>
#include <cstdint>

#include "p1/base/span.h"

namespace p1 {

enum class SettingId : uint8_t {
  kWifiSsid,
  kWifiPassword,
  kMqttHost,
  kMqttPort,
  kMqttFingerprint,
  kMqttUser,
  kMqttPassword,
  kMqttClientId,
  kMqttBase,
  kMessageMode,
  kWebKey,
  kMeterKey,
  kAuthKey,
  kMeterProfile,
  kDiscovery,
  kSerialBaud,
  kSerialFormat,
  kSerialPort,
  kMeterAck,
  kCount,
};
constexpr size_t kSettingCount = static_cast<size_t>(SettingId::kCount);

// How the page shows a setting: kChoice is a select of option() values,
// kFlags a set of options each on or off (the value is their digits, in
// order), kBool a switch (option 0 is "on", option 1 "off").
enum class SettingKind : uint8_t { kText, kSecret, kNumber, kChoice, kFlags, kBool };
// The groups of the settings form, in the order it shows them.
enum class SettingGroup : uint8_t { kWifi, kMqtt, kMeter, kWeb, kIntegrations };
const char* group_name(SettingGroup group);  // "wifi", "mqtt", ...

// One allowed value of a select, a switch or a flag, and what the page calls it.
struct SettingOption {
  Span<const char> value;
  Span<const char> label;
};
// Where a setting applies: WiFi only on the device, the meter's port only on Linux.
enum class SettingScope : uint8_t { kBoth, kDevice, kHost };

enum class SettingError : uint8_t { kNone, kTooLong, kInvalid, kUnknownField };

struct SettingSpec {
  SettingId id;
  const char* key;       // "mqtt_host": config files, web form, JSON
  const char* label;     // "MQTT broker address": wizard, web page
  SettingKind kind;
  uint8_t capacity;      // longest value in characters
  const char* fallback;  // default
  const char* expected;  // shown when a value is refused
  bool (*valid)(Span<const char> value);  // on the normalised value
  SettingScope scope;
  SettingGroup group;
  const char* help;  // one short sentence for the form (kept short: the device holds it in RAM)
  // The i-th allowed value (kChoice, kFlags, kBool); false past the last.
  // nullptr for free text.
  bool (*option)(size_t index, SettingOption& out);
  // Canonical spelling (keys: 32 upper-case hex digits without separators);
  // nullptr when the value is stored as given. Writes at most `out.size()`
  // chars and returns the length, or SIZE_MAX when it does not fit.
  size_t (*normalise)(Span<const char> value, CharSpan out) = nullptr;
  bool applies(bool device) const {
    return scope == SettingScope::kBoth || (scope == SettingScope::kDevice) == device;
  }
};

Span<const SettingSpec> setting_specs();
const SettingSpec& setting_spec(SettingId id);
const SettingSpec* find_setting(Span<const char> key);

// The one validator: normalises `value` into `out` (which must hold
// kMaxSettingInput chars) and checks it. On success `out_len` is the length
// of the canonical value.
SettingError check_setting(SettingId id, Span<const char> value, CharSpan out, size_t& out_len);

// Longest value any path may hand in (a key written with separators).
constexpr size_t kMaxSettingInput = 128;
// Sum over the schema of (capacity + 1): every value in one packed block.
constexpr size_t kSettingsStorage = 691;

// Values as text, in fixed storage sized by the schema (no heap).
class Settings {
 public:
  Settings() { set_defaults(); }
  void set_defaults();
  const char* get(SettingId id) const { return storage_ + offset(id); }
  size_t length(SettingId id) const;
  // Validates `value` and stores its canonical form; on error nothing changes.
  SettingError set(SettingId id, Span<const char> value);
  SettingError set(SettingId id, const char* value);
  bool operator==(const Settings& other) const;
  bool operator!=(const Settings& other) const { return !(*this == other); }

  // Longest canonical value of any setting.
  static constexpr size_t kMaxValue = 95;

 private:
  static size_t offset(SettingId id);
  char storage_[kSettingsStorage];
};

bool setting_is_secret(SettingId id);
const char* describe(SettingError error);

}  // namespace p1

// The settings of a p1bridge installation: one schema shared by the serial
// wizard, the web page, the Linux config file and the firmware's flash.
// Every field has a default and a validator; a value that does not validate
// is refused with what was expected, and never stored.
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
  kCount,
};
constexpr size_t kSettingCount = static_cast<size_t>(SettingId::kCount);

enum class SettingKind : uint8_t { kText, kSecret, kNumber, kChoice, kBool };
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
  bool (*valid)(Span<const char> value);
  SettingScope scope;
  bool applies(bool device) const {
    return scope == SettingScope::kBoth || (scope == SettingScope::kDevice) == device;
  }
};

Span<const SettingSpec> setting_specs();
const SettingSpec& setting_spec(SettingId id);
const SettingSpec* find_setting(Span<const char> key);

// Values as text, in fixed storage (no heap).
class Settings {
 public:
  Settings() { set_defaults(); }
  void set_defaults();
  const char* get(SettingId id) const { return values_[static_cast<size_t>(id)]; }
  size_t length(SettingId id) const;
  // Validates `value` and stores it; on error nothing changes.
  SettingError set(SettingId id, Span<const char> value);
  SettingError set(SettingId id, const char* value);
  bool operator==(const Settings& other) const;
  bool operator!=(const Settings& other) const { return !(*this == other); }

  static constexpr size_t kMaxValue = 95;

 private:
  char values_[kSettingCount][kMaxValue + 1];
};

bool setting_is_secret(SettingId id);
const char* describe(SettingError error);

}  // namespace p1

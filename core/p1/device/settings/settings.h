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

#include "p1/base/flash_text.h"
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
  kSunSpec,     // the device as a Fronius Smart Meter (TCP); on Linux per meter (config file)
  kShelly,      // the device as a Shelly Pro 3EM; on Linux per meter
  kWebApi,      // GET /api/v1/values; on Linux web.api
  kWebApiToken, // its bearer token; on Linux web.api_token (the same validator)
  kCount,
};
constexpr size_t kSettingCount = static_cast<size_t>(SettingId::kCount);

// How the page shows a setting: kChoice is a select of option() values,
// kFlags a set of options each on or off (the value is their digits, in
// order), kBool a switch (option 0 is "on", option 1 "off").
enum class SettingKind : uint8_t { kText, kSecret, kNumber, kChoice, kFlags, kBool };
// The groups of the settings form, in the order it shows them.
enum class SettingGroup : uint8_t { kWifi, kMqtt, kMeter, kWeb, kIntegrations };
FlashText group_name(SettingGroup group);  // "wifi", "mqtt", ...

// One allowed value of a select, a switch or a flag, and what the page calls
// it: copied out of the schema's constant text (flash on the device).
struct SettingOption {
  Span<const char> value;
  Span<const char> label;  // the same span as value when the value is its own label
  char text[52];           // value and label, each NUL-terminated
};
// Where a setting applies: WiFi only on the device, the meter's port only on Linux.
enum class SettingScope : uint8_t { kBoth, kDevice, kHost };

enum class SettingError : uint8_t { kNone, kTooLong, kInvalid, kUnknownField };

// One setting of the schema. The table lives in flash on the ESP8266, which
// reads flash only with aligned 32-bit loads: every member is a word (the
// small fields packed into one, read with a volatile load so the compiler
// cannot narrow it to a byte load) and the texts are FlashText.
class SettingSpec {
 public:
  using Validator = bool (*)(Span<const char> value);
  // The i-th allowed value (kChoice, kFlags, kBool); false past the last.
  using OptionSource = bool (*)(size_t index, SettingOption& out);
  // Canonical spelling (keys: 32 upper-case hex digits without separators).
  // Writes at most `out.size()` chars and returns the length, or SIZE_MAX
  // when it does not fit.
  using Normaliser = size_t (*)(Span<const char> value, CharSpan out);

  // `texts`: "key\0label\0default\0expected\0help" (help may be empty).
  constexpr SettingSpec(SettingId id, const char* texts, SettingKind kind, uint8_t capacity, Validator validator,
                        SettingScope scope, SettingGroup group, OptionSource options = nullptr,
                        Normaliser normalise = nullptr)
      : packed_(static_cast<uint32_t>(id) | static_cast<uint32_t>(kind) << 8 | static_cast<uint32_t>(capacity) << 16 |
                static_cast<uint32_t>(scope) << 24 | static_cast<uint32_t>(group) << 28),
        texts_(texts),
        valid_(validator),
        option_(options),
        normalise_(normalise) {}

  SettingId id() const { return static_cast<SettingId>(word() & 0xFF); }
  SettingKind kind() const { return static_cast<SettingKind>(word() >> 8 & 0xFF); }
  size_t capacity() const { return word() >> 16 & 0xFF; }  // longest value in characters
  SettingScope scope() const { return static_cast<SettingScope>(word() >> 24 & 0x0F); }
  SettingGroup group() const { return static_cast<SettingGroup>(word() >> 28); }
  FlashText key() const { return text(0); }       // "mqtt_host": config files, web form, JSON
  FlashText label() const { return text(1); }     // "MQTT broker address": wizard, web page
  FlashText fallback() const { return text(2); }  // default
  FlashText expected() const { return text(3); }  // shown when a value is refused
  FlashText help() const { return text(4); }      // one short sentence for the form; empty for none
  bool valid(Span<const char> value) const { return valid_(value); }
  bool has_options() const { return option_ != nullptr; }  // free text has none
  bool option(size_t index, SettingOption& out) const { return option_ != nullptr && option_(index, out); }
  Normaliser normaliser() const { return normalise_; }  // nullptr: stored as given
  bool applies(bool device) const {
    SettingScope s = scope();
    return s == SettingScope::kBoth || (s == SettingScope::kDevice) == device;
  }
  // For compile-time checks over the table (never called at run time).
  constexpr size_t capacity_constant() const { return packed_ >> 16 & 0xFF; }
  constexpr size_t id_constant() const { return packed_ & 0xFF; }

 private:
  uint32_t word() const { return *static_cast<const volatile uint32_t*>(&packed_); }
  FlashText text(size_t index) const;

  uint32_t packed_;
  const char* texts_;
  Validator valid_;
  OptionSource option_;
  Normaliser normalise_;
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
constexpr size_t kSettingsStorage = 762;

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

// The read-only API's token (empty: no token): long enough that guessing it
// over the network is hopeless (the API has no lockout), printable without
// spaces so it fits in an Authorization header. The device's setting and the
// Linux program's web.api_token share it.
bool valid_api_token(Span<const char> value);
const char* describe(SettingError error);

}  // namespace p1

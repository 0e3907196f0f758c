// Every key of `p1bridge run`'s configuration in one table: where it lives in
// the TOML file, its environment variable, and how a value is checked and
// stored. Keys the device shares (host, port, keys, base topic...) are checked
// by the core's settings schema (p1/device/settings/settings.h) and nothing
// else, so the file, the environment, the flags, `p1bridge setup` and the web
// page accept and store a value identically. Keys only the Linux program has
// (qos, queue, log...) have their one validator here.
#pragma once
#include <string>

#include "config.h"
#include "p1/device/settings/settings.h"

namespace p1d {

enum class ValueType { kString, kInteger, kBool, kStringList };

struct ConfigKey {
  const char* section;  // "mqtt", "web", "queue", "log" or "meter"
  const char* name;     // "host"
  ValueType type;       // what the TOML file must hold
  const char* env;      // environment variable, or nullptr
  p1::SettingId setting;  // the schema's setting, or kCount for program-only keys
  // Program-only keys: the validator and what it expects.
  bool (*valid)(const std::string& text);
  const char* expected;
};

const ConfigKey* find_config_key(const std::string& section, const std::string& name);
const ConfigKey* config_key_for(p1::SettingId setting);
// All keys of one section, comma-separated (for "unknown key" messages).
std::string config_key_names(const std::string& section);
// The whole table.
const ConfigKey* config_keys_begin();
const ConfigKey* config_keys_end();

// Checks `text` (a TOML value, environment variable or flag, as text: true /
// false for booleans, comma-separated lists) and stores it into `config`
// (meter keys into `meter`). Returns "" or a message naming the key, what is
// expected and what was given.
std::string set_config_value(Config& config, MeterConfig* meter, const ConfigKey& key, const std::string& text);

// The canonical text of a key's current value, as set_config_value takes it.
std::string config_value_text(const Config& config, const MeterConfig* meter, const ConfigKey& key);

// The schema's view of the config (the first meter) for the wizard and the
// web page, and back.
p1::Settings settings_from_config(const Config& config);
void apply_settings(const p1::Settings& settings, Config& config);

// Boolean spellings people use in files and environments.
bool parse_bool_text(const std::string& text, bool& out);

}  // namespace p1d

// The core's settings schema <-> the Linux program's configuration: the wizard
// and the web page edit Settings; the config file stores them (first meter).
#pragma once
#include "config.h"
#include "p1/device/settings/settings.h"

namespace p1d {

p1::Settings settings_from_config(const Config& config);
// Copies the settings into `config` (creating the first meter if needed).
void apply_settings(const p1::Settings& settings, Config& config);

}  // namespace p1d

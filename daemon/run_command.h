// `p1bridge run`: meters to MQTT until SIGTERM/SIGINT.
#pragma once
#include "config.h"

namespace p1d {

// `config_path`: where the web page saves settings (empty: not saveable).
// `argv`: to restart the program in place when the web page asks.
int run_gateway(Config config, const std::string& config_path, char** argv);

}  // namespace p1d

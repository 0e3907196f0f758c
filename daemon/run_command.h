// `p1bridge run`: meters to MQTT until SIGTERM/SIGINT.
#pragma once
#include "config.h"

namespace p1d {

// `config_path`: where the web page saves settings (empty: not saveable).
// `argv`: to restart the program in place when the web page asks.
int run_gateway(Config config, const std::string& config_path, char** argv);

// A warning (not a refusal) when the web page is on with a key typed by hand
// that is short or of one kind of character (p1::is_weak_passkey): one
// sniffed request lets it be guessed offline. Also shown by --check.
void warn_if_weak_web_key(const Config& config);

}  // namespace p1d

// `p1bridge setup`: the serial wizard of the device, in the terminal; writes
// the config file (mode 0600).
#pragma once
#include <string>

namespace p1d {

int run_setup(const std::string& config_path);

}  // namespace p1d

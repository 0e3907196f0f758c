// `p1bridge run`: meters to MQTT until SIGTERM/SIGINT.
#pragma once
#include "config.h"

namespace p1d {

int run_gateway(Config config);

}  // namespace p1d

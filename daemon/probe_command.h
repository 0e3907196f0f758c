// `p1bridge probe`: what is on this line? Listens at each line setting
// Austrian meters use (core/p1/probe/line_settings.h), a few seconds each,
// reports what each showed and ends with the matching operator and a ready
// [[meter]] section, or with a plain sentence when nothing valid was seen.
#pragma once
#include <string>

namespace p1d {

struct ProbeOptions {
  std::string port;          // /dev/ttyUSB0 or tcp://host:port
  std::string key_hex;       // secret: never printed
  std::string auth_key_hex;  // secret: never printed
  double seconds = 4;        // per line setting
};

int run_probe(const ProbeOptions& options);

}  // namespace p1d

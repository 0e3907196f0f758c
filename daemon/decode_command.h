// `p1bridge decode`: telegrams from a capture (hex text or binary) to one JSON
// line each on stdout, one clear line per failure on stderr.
#pragma once
#include <string>

namespace p1d {

struct DecodeOptions {
  std::string key_hex;       // empty: plaintext telegrams only
  std::string auth_key_hex;  // empty: tags are not verified
  std::string input = "-";
  std::string format = "json";  // json | topics | raw
  std::string base_topic = "smartmeter";
  std::string profile;          // empty: detect
  bool binary = false;
};

enum ExitCode : int { kExitOk = 0, kExitDecodeFailed = 1, kExitUsage = 2 };

int run_decode(const DecodeOptions& options);

}  // namespace p1d

// libFuzzer target for the config file loader (daemon/config*.cpp, toml++):
// any file gives a configuration or one message, never a crash; and what it
// accepts survives an untouched save and loads again to the same settings.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "config.h"
#include "config_keys.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = "/tmp/p1-fuzz-config-" + std::to_string(getpid()) + ".toml";
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  p1d::Config config;
  std::string error = p1d::load_config_file(path, config);
  if (error.empty()) {
    p1::Settings shown = p1d::settings_from_config(config);
    if (p1d::save_settings(path, &shown, shown).empty()) {
      p1d::Config again;
      if (!p1d::load_config_file(path, again).empty()) __builtin_trap();  // what it wrote it must read
      if (p1d::settings_from_config(again) != shown) __builtin_trap();    // nothing erased or changed
    }
  } else if (error.compare(0, path.size(), path) != 0) {
    __builtin_trap();  // every message names the file
  }
  return 0;
}

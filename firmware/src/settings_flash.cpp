#include "settings_flash.h"

#include <LittleFS.h>

#include <cstring>

namespace {
const char* path(uint8_t slot) { return slot == 0 ? "/settings-a.bin" : "/settings-b.bin"; }
}  // namespace

bool LittleFsSettingsStorage::begin() {
#if defined(ESP32)
  return LittleFS.begin(true);  // format on first use
#else
  return LittleFS.begin() || (LittleFS.format() && LittleFS.begin());
#endif
}

bool LittleFsSettingsStorage::read(uint8_t slot, size_t offset, p1::MutableByteSpan out) {
  std::memset(out.data(), 0xFF, out.size());  // a missing or short file reads as erased flash
  File f = LittleFS.open(path(slot), "r");
  if (!f) return true;
  if (f.seek(offset)) f.read(out.data(), out.size());
  f.close();
  return true;
}

bool LittleFsSettingsStorage::write(uint8_t slot, size_t offset, p1::ByteSpan data) {
  if (offset != 0) return false;  // the store always writes a whole record
  File f = LittleFS.open(path(slot), "w");
  if (!f) return false;
  size_t n = f.write(data.data(), data.size());
  f.close();
  return n == data.size();
}

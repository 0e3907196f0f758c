// Settings in flash (or any byte store): a versioned record with a CRC-32,
// written to two slots alternately. A power cut while saving leaves the other
// slot's record intact, so loading yields the old or the new settings, never
// a mix. Records of an older version are migrated, not wiped.
//
// Record: "P1ST" | version u8 | 0 | payload length u16 LE | sequence u32 LE |
//         payload | CRC-32 u32 LE over everything before it.
// Version 2 payload: per field id u8, length u8, value bytes.
// Version 1 (the original gateway): the first twelve fields in order, strings
// NUL-terminated, port as u16 LE and message mode as one byte.
#pragma once
#include <cstdint>

#include "p1/device/settings/settings.h"

namespace p1 {

// Two equally sized slots of persistent bytes (EEPROM emulation, a flash
// sector, a file). Platform code implements it; writes may be cut short by a
// power failure.
class SettingsStorage {
 public:
  virtual size_t slot_size() const = 0;
  virtual bool read(uint8_t slot, size_t offset, MutableByteSpan out) = 0;
  virtual bool write(uint8_t slot, size_t offset, ByteSpan data) = 0;

 protected:
  ~SettingsStorage() = default;
};

constexpr uint8_t kSettingsVersion = 2;
// Header, an id and a length per field, every value at full capacity, CRC.
constexpr size_t kSettingsRecordMax = 12 + kSettingCount * 2 + kSettingsStorage + 4;

enum class LoadStatus : uint8_t { kLoaded, kMigrated, kNoSettings };

class SettingsStore {
 public:
  // `scratch` (at least kSettingsRecordMax bytes) holds a record while it is
  // read or written; the device lends its shared scratch area, as loading and
  // saving never run at the same time as the stages it serves.
  SettingsStore(SettingsStorage& storage, MutableByteSpan scratch) : storage_(storage), scratch_(scratch) {}
  // Loads the newest valid record; with none, `out` holds the defaults.
  LoadStatus load(Settings& out);
  // Writes `settings` to the slot not holding the newest record.
  bool save(const Settings& settings);
  // Invalidates both slots ('c' in the wizard).
  bool clear();

 private:
  bool check_slot(uint8_t slot, uint32_t& sequence, uint8_t& version);
  SettingsStorage& storage_;
  MutableByteSpan scratch_;
  int newest_slot_ = -1;
  uint32_t sequence_ = 0;
};

// Encoding on its own, for tests and for other stores.
size_t encode_settings_record(const Settings& settings, uint32_t sequence, MutableByteSpan out);
bool decode_settings_record(ByteSpan record, Settings& out, uint32_t& sequence, uint8_t& version);

}  // namespace p1

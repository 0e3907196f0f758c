// The core's two-slot settings store on the flash file system: one LittleFS
// file per slot. LittleFS writes a file copy-on-write, and the CRC in the
// record catches the rest, so a power cut leaves one good slot.
#pragma once
#include "p1/device/settings/settings_store.h"

class LittleFsSettingsStorage final : public p1::SettingsStorage {
 public:
  bool begin();
  size_t slot_size() const override { return p1::kSettingsRecordMax; }
  bool read(uint8_t slot, size_t offset, p1::MutableByteSpan out) override;
  bool write(uint8_t slot, size_t offset, p1::ByteSpan data) override;
};

// The reading journal's file on LittleFS (see p1/device/store_forward/
// record_journal.h): an append-only file and a small file with the read
// position.
#pragma once
#include "p1/device/store_forward/record_journal.h"

class LittleFsJournalFile final : public p1::JournalFile {
 public:
  size_t size() override;
  bool read(size_t offset, p1::MutableByteSpan out) override;
  bool append(p1::ByteSpan data) override;
  bool truncate(size_t size) override;
  bool load_head(uint32_t& offset) override;
  bool save_head(uint32_t offset) override;
};

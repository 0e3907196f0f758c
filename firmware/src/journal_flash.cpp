#include "journal_flash.h"

#include <LittleFS.h>

namespace {
const char kJournal[] = "/queue.bin";
const char kHead[] = "/queue.head";
}  // namespace

size_t LittleFsJournalFile::size() {
  File f = LittleFS.open(kJournal, "r");
  if (!f) return 0;
  size_t n = f.size();
  f.close();
  return n;
}

bool LittleFsJournalFile::read(size_t offset, p1::MutableByteSpan out) {
  File f = LittleFS.open(kJournal, "r");
  if (!f) return false;
  bool ok = f.seek(offset) && static_cast<size_t>(f.read(out.data(), out.size())) == out.size();
  f.close();
  return ok;
}

bool LittleFsJournalFile::append(p1::ByteSpan data) {
  File f = LittleFS.open(kJournal, "a");
  if (!f) return false;
  bool ok = f.write(data.data(), data.size()) == data.size();
  f.close();  // LittleFS commits on close: a power cut loses at most this append
  return ok;
}

bool LittleFsJournalFile::truncate(size_t size) {
  if (size == 0) return !LittleFS.exists(kJournal) || LittleFS.remove(kJournal);
  File f = LittleFS.open(kJournal, "r+");
  if (!f) return false;
  bool ok = f.truncate(size);
  f.close();
  return ok;
}

bool LittleFsJournalFile::load_head(uint32_t& offset) {
  File f = LittleFS.open(kHead, "r");
  if (!f) return false;
  uint8_t b[4];
  bool ok = f.read(b, 4) == 4;
  f.close();
  offset = static_cast<uint32_t>(b[0] | b[1] << 8 | b[2] << 16) | static_cast<uint32_t>(b[3]) << 24;
  return ok;
}

bool LittleFsJournalFile::save_head(uint32_t offset) {
  if (offset == 0) return !LittleFS.exists(kHead) || LittleFS.remove(kHead);
  File f = LittleFS.open(kHead, "w");
  if (!f) return false;
  uint8_t b[4] = {static_cast<uint8_t>(offset), static_cast<uint8_t>(offset >> 8), static_cast<uint8_t>(offset >> 16),
                  static_cast<uint8_t>(offset >> 24)};
  bool ok = f.write(b, 4) == 4;
  f.close();
  return ok;
}

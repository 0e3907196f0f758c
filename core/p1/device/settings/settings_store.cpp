#include "p1/device/settings/settings_store.h"

#include <cstring>

#include "p1/device/settings/crc32.h"
#include "p1/output/exact_decimal.h"

namespace p1 {

namespace {
constexpr uint8_t kMagic[4] = {'P', '1', 'S', 'T'};
constexpr size_t kHeader = 12;
constexpr size_t kCrc = 4;

void put_le(uint8_t* p, uint32_t v, size_t n) {
  for (size_t i = 0; i < n; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
uint32_t get_le(const uint8_t* p, size_t n) {
  uint32_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= static_cast<uint32_t>(p[i]) << (8 * i);
  return v;
}

// Version 1 stored the original gateway's fields in this order.
constexpr SettingId kVersion1Fields[] = {
    SettingId::kWifiSsid,     SettingId::kWifiPassword, SettingId::kMqttHost,    SettingId::kMqttPort,
    SettingId::kMqttFingerprint, SettingId::kMqttUser,  SettingId::kMqttPassword, SettingId::kMqttClientId,
    SettingId::kMqttBase,     SettingId::kMessageMode,  SettingId::kWebKey,      SettingId::kMeterKey,
};

bool migrate_version1(ByteSpan payload, Settings& out) {
  out.set_defaults();
  size_t pos = 0;
  for (SettingId id : kVersion1Fields) {
    char text[Settings::kMaxValue + 1];
    size_t n = 0;
    if (id == SettingId::kMqttPort) {
      if (payload.size() - pos < 2) return false;
      uint32_t port = get_le(payload.data() + pos, 2);
      pos += 2;
      n = format_uint(port, text);
    } else if (id == SettingId::kMessageMode) {
      if (payload.size() - pos < 1) return false;
      text[n++] = static_cast<char>('0' + payload[pos++]);
    } else {
      while (pos < payload.size() && payload[pos] != 0 && n < Settings::kMaxValue) text[n++] = static_cast<char>(payload[pos++]);
      if (pos >= payload.size() || payload[pos] != 0) return false;
      ++pos;
    }
    // A value the current schema refuses keeps its default rather than
    // failing the whole migration.
    out.set(id, Span<const char>(text, n));
  }
  return true;
}
}  // namespace

size_t encode_settings_record(const Settings& settings, uint32_t sequence, MutableByteSpan out) {
  if (out.size() < kSettingsRecordMax) return 0;
  uint8_t* p = out.data();
  std::memcpy(p, kMagic, 4);
  p[4] = kSettingsVersion;
  p[5] = 0;
  put_le(p + 8, sequence, 4);
  size_t pos = kHeader;
  for (size_t i = 0; i < kSettingCount; ++i) {
    auto id = static_cast<SettingId>(i);
    size_t n = settings.length(id);
    p[pos++] = static_cast<uint8_t>(i);
    p[pos++] = static_cast<uint8_t>(n);
    std::memcpy(p + pos, settings.get(id), n);
    pos += n;
  }
  put_le(p + 6, static_cast<uint32_t>(pos - kHeader), 2);
  put_le(p + pos, crc32(ByteSpan(p, pos)), 4);
  return pos + kCrc;
}

bool decode_settings_record(ByteSpan record, Settings& out, uint32_t& sequence, uint8_t& version) {
  if (record.size() < kHeader + kCrc || std::memcmp(record.data(), kMagic, 4) != 0) return false;
  size_t payload = get_le(record.data() + 6, 2);
  if (record.size() < kHeader + payload + kCrc) return false;
  if (crc32(record.first(kHeader + payload)) != get_le(record.data() + kHeader + payload, 4)) return false;
  version = record[4];
  sequence = get_le(record.data() + 8, 4);
  ByteSpan body = record.subspan(kHeader, payload);
  if (version == 1) return migrate_version1(body, out);
  if (version != kSettingsVersion) return false;  // newer than this firmware
  // Decoded in place (the CRC already vouched for the bytes): defaults for
  // fields the record lacks, so no second 1.6 KB copy on a small stack.
  Settings& loaded = out;
  loaded.set_defaults();
  for (size_t pos = 0; pos < body.size();) {
    if (body.size() - pos < 2) return false;
    uint8_t id = body[pos];
    uint8_t n = body[pos + 1];
    if (body.size() - pos - 2 < n) return false;
    // Unknown ids (from a newer schema) are skipped; values that no longer
    // validate keep their default.
    if (id < kSettingCount) {
      loaded.set(static_cast<SettingId>(id), Span<const char>(reinterpret_cast<const char*>(body.data() + pos + 2), n));
    }
    pos += 2 + n;
  }
  return true;
}

bool SettingsStore::check_slot(uint8_t slot, uint32_t& sequence, uint8_t& version) {
  // Header and CRC in small chunks: the device's stack is small.
  uint8_t header[kHeader];
  if (storage_.slot_size() < kHeader + kCrc || !storage_.read(slot, 0, MutableByteSpan(header, kHeader))) return false;
  if (std::memcmp(header, kMagic, 4) != 0) return false;
  size_t payload = get_le(header + 6, 2);
  if (kHeader + payload + kCrc > storage_.slot_size()) return false;
  uint32_t crc = crc32(ByteSpan(header, kHeader));
  uint8_t chunk[64];
  for (size_t at = kHeader; at < kHeader + payload;) {
    size_t n = kHeader + payload - at < sizeof chunk ? kHeader + payload - at : sizeof chunk;
    if (!storage_.read(slot, at, MutableByteSpan(chunk, n))) return false;
    crc = crc32(ByteSpan(chunk, n), crc);
    at += n;
  }
  uint8_t stored[kCrc];
  if (!storage_.read(slot, kHeader + payload, MutableByteSpan(stored, kCrc)) || get_le(stored, 4) != crc) return false;
  version = header[4];
  sequence = get_le(header + 8, 4);
  return version == 1 || version == kSettingsVersion;
}

namespace {
// Serial-number arithmetic, so the counter may wrap.
bool newer(uint32_t a, uint32_t b) { return static_cast<int32_t>(a - b) > 0; }
}  // namespace

LoadStatus SettingsStore::load(Settings& out) {
  uint32_t sequence[2] = {0, 0};
  uint8_t version[2] = {0, 0};
  bool ok[2];
  for (uint8_t s = 0; s < 2; ++s) ok[s] = check_slot(s, sequence[s], version[s]);
  // The newest valid record first; if it does not decode (a record this
  // firmware cannot migrate), the other one.
  int order[2] = {-1, -1};
  if (ok[0] && ok[1]) {
    order[0] = newer(sequence[1], sequence[0]) ? 1 : 0;
    order[1] = 1 - order[0];
  } else if (ok[0] || ok[1]) {
    order[0] = ok[0] ? 0 : 1;
  }
  uint8_t* buffer = scratch_.data();
  size_t size = storage_.slot_size() < scratch_.size() ? storage_.slot_size() : scratch_.size();
  newest_slot_ = -1;
  sequence_ = 0;
  for (int slot : order) {
    if (slot < 0) continue;
    uint32_t seq = 0;
    uint8_t ver = 0;
    if (!storage_.read(static_cast<uint8_t>(slot), 0, MutableByteSpan(buffer, size)) ||
        !decode_settings_record(ByteSpan(buffer, size), out, seq, ver)) {
      continue;
    }
    newest_slot_ = slot;
    sequence_ = seq;
    return ver == kSettingsVersion ? LoadStatus::kLoaded : LoadStatus::kMigrated;
  }
  out.set_defaults();
  return LoadStatus::kNoSettings;
}

bool SettingsStore::save(const Settings& settings) {
  // Above every record in the slots now, also one that load() could not read
  // or decode: otherwise that record would win at the next boot.
  uint32_t sequence = sequence_;
  for (uint8_t s = 0; s < 2; ++s) {
    uint32_t seq = 0;
    uint8_t ver = 0;
    if (check_slot(s, seq, ver) && newer(seq, sequence)) sequence = seq;
  }
  ++sequence;
  size_t size = encode_settings_record(settings, sequence, scratch_);
  if (size == 0 || size > storage_.slot_size()) return false;
  uint8_t target = newest_slot_ == 0 ? 1 : 0;
  if (!storage_.write(target, 0, ByteSpan(scratch_.data(), size))) return false;
  newest_slot_ = target;
  sequence_ = sequence;
  return true;
}

bool SettingsStore::clear() {
  const uint8_t blank[4] = {0, 0, 0, 0};
  bool ok = storage_.write(0, 0, ByteSpan(blank, 4)) && storage_.write(1, 0, ByteSpan(blank, 4));
  newest_slot_ = -1;
  sequence_ = 0;
  return ok;
}

}  // namespace p1

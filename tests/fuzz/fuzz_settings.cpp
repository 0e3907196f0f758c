// libFuzzer target: the settings record in flash and its migration, loaded
// from arbitrary bytes. Whatever the slots hold, load() yields settings whose
// every value the schema accepts; a decoded record re-encodes to the same
// settings; and a save cut short by a power failure at any byte leaves
// either the old or the new settings, never a mix.
//
// Input: slot size (2 bytes), a byte choosing the scenario, then slot 0 and
// slot 1 contents; the tail also supplies edits for the power-cut scenario.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "p1/device/settings/settings_store.h"

namespace {
uint8_t g_record[p1::kSettingsRecordMax];  // the record scratch the store is lent
}  // namespace

namespace {

constexpr size_t kSlotMax = 2 * p1::kSettingsRecordMax;

struct MemoryStorage final : p1::SettingsStorage {
  uint8_t slots[2][kSlotMax];
  size_t size = 0;
  bool fail_reads = false;
  size_t write_budget = SIZE_MAX;  // bytes written before the "power cut"

  size_t slot_size() const override { return size; }
  bool read(uint8_t slot, size_t offset, p1::MutableByteSpan out) override {
    if (slot > 1) __builtin_trap();
    if (fail_reads || offset > size || out.size() > size - offset) return false;
    std::memcpy(out.data(), slots[slot] + offset, out.size());
    return true;
  }
  bool write(uint8_t slot, size_t offset, p1::ByteSpan data) override {
    if (slot > 1) __builtin_trap();
    if (offset > size || data.size() > size - offset) return false;
    size_t n = data.size() < write_budget ? data.size() : write_budget;
    std::memcpy(slots[slot] + offset, data.data(), n);
    write_budget -= n;
    return n == data.size();
  }
};

// Every value is one the schema accepts, NUL-terminated within capacity.
void check_valid(const p1::Settings& s) {
  for (const p1::SettingSpec& spec : p1::setting_specs()) {
    const char* value = s.get(spec.id());
    size_t n = strnlen(value, p1::Settings::kMaxValue + 1);
    if (n > spec.capacity() || n != s.length(spec.id())) __builtin_trap();
    if (!spec.valid(p1::Span<const char>(value, n))) __builtin_trap();
  }
}

struct Bytes {
  const uint8_t* p;
  size_t n;
  uint8_t take() {
    if (n == 0) return 0;
    --n;
    return *p++;
  }
};

// A few edits chosen by the input: field, length, characters.
void edit(p1::Settings& s, Bytes& in) {
  size_t edits = in.take() % 4;
  for (size_t e = 0; e < edits; ++e) {
    auto id = static_cast<p1::SettingId>(in.take() % p1::kSettingCount);
    size_t n = in.take() % (p1::Settings::kMaxValue + 4);
    char value[p1::Settings::kMaxValue + 4];
    for (size_t i = 0; i < n; ++i) value[i] = static_cast<char>(in.take());
    p1::Settings before = s;
    if (s.set(id, p1::Span<const char>(value, n)) != p1::SettingError::kNone && s != before) __builtin_trap();
  }
  check_valid(s);
}

void round_trip(const p1::Settings& s) {
  static uint8_t record[p1::kSettingsRecordMax];
  size_t n = p1::encode_settings_record(s, 7, p1::MutableByteSpan(record, sizeof record));
  if (n == 0) __builtin_trap();
  p1::Settings back;
  uint32_t sequence = 0;
  uint8_t version = 0;
  if (!p1::decode_settings_record(p1::ByteSpan(record, n), back, sequence, version)) __builtin_trap();
  if (back != s || sequence != 7 || version != p1::kSettingsVersion) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  static MemoryStorage storage;
  storage.size = (static_cast<size_t>(data[0]) | static_cast<size_t>(data[1]) << 8) % (kSlotMax + 1);
  uint8_t scenario = data[2];
  Bytes rest{data + 3, size - 3};
  storage.fail_reads = false;
  storage.write_budget = SIZE_MAX;
  std::memset(storage.slots, 0xFF, sizeof storage.slots);  // erased flash

  // 1. A record decoded straight from the bytes.
  {
    static p1::Settings s;
    uint32_t sequence = 0;
    uint8_t version = 0;
    if (p1::decode_settings_record(p1::ByteSpan(rest.p, rest.n), s, sequence, version)) {
      if (version != 1 && version != p1::kSettingsVersion) __builtin_trap();
      check_valid(s);
      round_trip(s);
    }
  }

  // 2. Two slots of arbitrary bytes.
  size_t half = rest.n / 2;
  for (uint8_t slot = 0; slot < 2; ++slot) {
    const uint8_t* src = rest.p + (slot == 0 ? 0 : half);
    size_t n = slot == 0 ? half : rest.n - half;
    if (n > storage.size) n = storage.size;
    std::memcpy(storage.slots[slot], src, n);
  }
  storage.fail_reads = (scenario & 1) != 0 && (scenario & 2) != 0 && (scenario & 4) != 0;
  {
    p1::SettingsStore store(storage, p1::MutableByteSpan(g_record, sizeof g_record));
    static p1::Settings loaded;
    p1::LoadStatus status = store.load(loaded);
    check_valid(loaded);
    if (status == p1::LoadStatus::kNoSettings && loaded != p1::Settings()) __builtin_trap();
    storage.fail_reads = false;
    round_trip(loaded);
    // What was loaded is saved and loads again, unchanged.
    if (store.save(loaded)) {
      p1::SettingsStore again(storage, p1::MutableByteSpan(g_record, sizeof g_record));
      static p1::Settings reloaded;
      if (again.load(reloaded) != p1::LoadStatus::kLoaded || reloaded != loaded) __builtin_trap();
    }
  }

  // 3. Power cut while saving: old or new settings, never a mix.
  if (storage.size >= p1::kSettingsRecordMax) {
    Bytes edits{rest.p, rest.n};
    std::memset(storage.slots, 0xFF, sizeof storage.slots);
    static p1::Settings old_settings, new_settings, after;
    old_settings.set_defaults();
    edit(old_settings, edits);
    p1::SettingsStore store(storage, p1::MutableByteSpan(g_record, sizeof g_record));
    (void)store.load(after);
    if (!store.save(old_settings)) __builtin_trap();
    if ((scenario & 8) != 0 && !store.save(old_settings)) __builtin_trap();  // both slots hold a record
    new_settings = old_settings;
    edit(new_settings, edits);
    storage.write_budget = edits.take() | static_cast<size_t>(edits.take()) << 8;
    bool saved = store.save(new_settings);
    storage.write_budget = SIZE_MAX;
    p1::SettingsStore fresh(storage, p1::MutableByteSpan(g_record, sizeof g_record));
    p1::LoadStatus status = fresh.load(after);
    if (status != p1::LoadStatus::kLoaded) __builtin_trap();
    if (after != old_settings && after != new_settings) __builtin_trap();
    if (saved && after != new_settings) __builtin_trap();
  }
  return 0;
}

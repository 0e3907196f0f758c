// The settings schema, its validators, and the two-slot checksummed store,
// including a power cut at every byte of a save.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "p1/device/settings/crc32.h"
#include "p1/device/settings/settings_store.h"

namespace {

p1::MutableByteSpan record_scratch() {
  static uint8_t buffer[p1::kSettingsRecordMax];
  return p1::MutableByteSpan(buffer, sizeof buffer);
}

using p1::SettingError;
using p1::SettingId;
using p1::Settings;

TEST(Settings, DefaultsOfTheOriginalGateway) {
  Settings s;
  EXPECT_STREQ(s.get(SettingId::kMqttPort), "1883");
  EXPECT_STREQ(s.get(SettingId::kMqttFingerprint), "[insecure]");
  EXPECT_STREQ(s.get(SettingId::kMqttUser), "power-meter");
  EXPECT_STREQ(s.get(SettingId::kMessageMode), "2");
  EXPECT_STREQ(s.get(SettingId::kSerialFormat), "8E1");
  for (const p1::SettingSpec& spec : p1::setting_specs()) {
    EXPECT_TRUE(spec.valid(p1::Span<const char>(spec.fallback().host_string(), std::strlen(spec.fallback().host_string())))) << spec.key().host_string();
    EXPECT_GE(spec.capacity(), std::strlen(spec.fallback().host_string()));
    EXPECT_LE(spec.capacity(), Settings::kMaxValue);
  }
}

struct Case {
  SettingId id;
  const char* value;
  bool ok;
};

TEST(Settings, ValidatorsAcceptAndRefuse) {
  const Case cases[] = {
      {SettingId::kMeterKey, "36C66639E48A8CA4D6BC8B282A793BBB", true},
      {SettingId::kMeterKey, "36c66639e48a8ca4d6bc8b282a793bbb", true},
      {SettingId::kMeterKey, "", true},
      {SettingId::kMeterKey, "36C66639E48A8CA4D6BC8B282A793BB", false},
      {SettingId::kMeterKey, "36C66639E48A8CA4D6BC8B282A793BBG", false},
      {SettingId::kAuthKey, "C0C1C2C3C4C5C6C7C8C9CACBCCCDCECF", true},
      {SettingId::kMqttPort, "1", true},
      {SettingId::kMqttPort, "65535", true},
      {SettingId::kMqttPort, "0", false},
      {SettingId::kMqttPort, "65536", false},
      {SettingId::kMqttPort, "18a3", false},
      {SettingId::kMqttPort, "", false},
      {SettingId::kMqttFingerprint, "[insecure]", true},
      {SettingId::kMqttFingerprint, "0123456789012345678901234567890123456789", true},
      {SettingId::kMqttFingerprint, "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01", true},
      {SettingId::kMqttFingerprint, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", true},
      {SettingId::kMqttFingerprint, "insecure", false},
      {SettingId::kMqttFingerprint, "0123", false},
      {SettingId::kMqttHost, "broker.local", true},
      {SettingId::kMqttHost, "192.168.1.10", true},
      {SettingId::kMqttHost, "", false},
      {SettingId::kMqttHost, "bro ker", false},
      {SettingId::kMqttClientId, "p1bridge-2", true},
      {SettingId::kMqttClientId, "this-client-id-is-too-long", false},
      {SettingId::kMqttBase, "home/meter", true},
      {SettingId::kMqttBase, "home/#", false},
      {SettingId::kMqttBase, "/home", false},
      {SettingId::kMessageMode, "0", true},
      {SettingId::kMessageMode, "12", true},
      {SettingId::kMessageMode, "3", false},
      {SettingId::kMessageMode, "22", false},
      {SettingId::kWebKey, "", true},
      {SettingId::kWebKey, "abcd1234", true},
      {SettingId::kWebKey, "short", false},
      {SettingId::kWebKey, "with space1", true},
      {SettingId::kWebKey, "correct-horse-battery", true},
      {SettingId::kWebKey, " leading-space", false},
      {SettingId::kWebKey, "tab\there-is-bad", false},
      {SettingId::kMeterKey, "36:C6:66:39:E4:8A:8C:A4:D6:BC:8B:28:2A:79:3B:BB", true},
      {SettingId::kMeterKey, "36 C6 66 39 E4 8A 8C A4 D6 BC 8B 28 2A 79 3B BB", true},
      {SettingId::kSerialPort, "/dev/ttyUSB0", true},
      {SettingId::kSerialPort, "tcp://192.168.1.5:2000", true},
      {SettingId::kSerialPort, "tcp://host", false},
      {SettingId::kSerialPort, "tcp://:2000", false},
      {SettingId::kSerialPort, "tcp://host:99999", false},
      {SettingId::kSerialPort, "file:/tmp/capture.hex", true},
      {SettingId::kSerialPort, "-", true},
      {SettingId::kSerialPort, "ttyUSB0", false},
      {SettingId::kWifiPassword, "", true},
      {SettingId::kWifiPassword, "1234567", false},
      {SettingId::kMeterProfile, "auto", true},
      {SettingId::kMeterProfile, "wiener-netze", true},
      {SettingId::kMeterProfile, "nonsense", false},
      {SettingId::kDiscovery, "0", true},
      {SettingId::kDiscovery, "yes", false},
      {SettingId::kMeterAck, "0", true},
      {SettingId::kMeterAck, "true", false},
      {SettingId::kSerialBaud, "115200", true},
      {SettingId::kSerialBaud, "1000", false},
      {SettingId::kSerialFormat, "8N1", true},
      {SettingId::kSerialFormat, "8X1", false},
  };
  for (const Case& c : cases) {
    Settings s;
    std::string before = s.get(c.id);
    SettingError e = s.set(c.id, c.value);
    EXPECT_EQ(e == SettingError::kNone, c.ok) << p1::setting_spec(c.id).key().host_string() << " = '" << c.value << "'";
    if (!c.ok) {
      EXPECT_EQ(std::string(s.get(c.id)), before) << "a refused value must not be stored";
    }
  }
  Settings s;
  EXPECT_EQ(s.set(SettingId::kWifiSsid, std::string(33, 'x').c_str()), SettingError::kTooLong);
}

// Every spelling of a key is the same key, stored once in canonical form.
TEST(Settings, KeysAndFingerprintsAreNormalisedOnce) {
  const char* spellings[] = {"36C66639E48A8CA4D6BC8B282A793BBB", "36c66639e48a8ca4d6bc8b282a793bbb",
                             "36:C6:66:39:E4:8A:8C:A4:D6:BC:8B:28:2A:79:3B:BB",
                             "36 C6 66 39 E4 8A 8C A4 D6 BC 8B 28 2A 79 3B BB",
                             "36-c6-66-39-e4-8a-8c-a4-d6-bc-8b-28-2a-79-3b-bb"};
  for (const char* spelling : spellings) {
    Settings s;
    ASSERT_EQ(s.set(SettingId::kMeterKey, spelling), SettingError::kNone) << spelling;
    EXPECT_STREQ(s.get(SettingId::kMeterKey), "36C66639E48A8CA4D6BC8B282A793BBB") << spelling;
  }
  Settings s;
  ASSERT_EQ(s.set(SettingId::kMqttFingerprint, "ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01"),
            SettingError::kNone);
  EXPECT_STREQ(s.get(SettingId::kMqttFingerprint), "ABCDEF0123456789ABCDEF0123456789ABCDEF01");
  ASSERT_EQ(s.set(SettingId::kMqttFingerprint, "[insecure]"), SettingError::kNone);
  EXPECT_STREQ(s.get(SettingId::kMqttFingerprint), "[insecure]");
  ASSERT_EQ(s.set(SettingId::kSerialFormat, "8e1"), SettingError::kNone);
  EXPECT_STREQ(s.get(SettingId::kSerialFormat), "8E1");
}

TEST(Settings, StorageIsAsLargeAsTheSchema) {
  size_t sum = 0;
  for (const p1::SettingSpec& spec : p1::setting_specs()) sum += spec.capacity() + 1u;
  EXPECT_EQ(sizeof(Settings), sum);
  // Every field holds a value of its full capacity without touching its neighbours.
  Settings s;
  for (const p1::SettingSpec& spec : p1::setting_specs()) {
    if (spec.id() != SettingId::kWifiSsid && spec.id() != SettingId::kMqttUser) continue;
    ASSERT_EQ(s.set(spec.id(), std::string(spec.capacity(), 'x').c_str()), SettingError::kNone);
  }
  EXPECT_STREQ(s.get(SettingId::kWifiPassword), "");
  EXPECT_STREQ(s.get(SettingId::kMqttHost), "127.0.0.1");
  EXPECT_STREQ(s.get(SettingId::kMqttPassword), "");
}

TEST(Settings, FindByKey) {
  const char* key = "mqtt_base";
  const p1::SettingSpec* spec = p1::find_setting(p1::Span<const char>(key, std::strlen(key)));
  ASSERT_NE(spec, nullptr);
  EXPECT_EQ(spec->id(), SettingId::kMqttBase);
  EXPECT_TRUE(p1::setting_is_secret(SettingId::kMqttPassword));
  EXPECT_FALSE(p1::setting_is_secret(SettingId::kMqttHost));
}

TEST(Crc32, StandardCheckValue) {
  const char* check = "123456789";
  EXPECT_EQ(p1::crc32(p1::ByteSpan(reinterpret_cast<const uint8_t*>(check), 9)), 0xCBF43926u);
}

// A byte store with two slots that can be told to lose power mid-write.
class MemoryStorage final : public p1::SettingsStorage {
 public:
  explicit MemoryStorage(size_t size = 1024) : slots_{std::vector<uint8_t>(size, 0xFF), std::vector<uint8_t>(size, 0xFF)} {}
  size_t slot_size() const override { return slots_[0].size(); }
  bool read(uint8_t slot, size_t offset, p1::MutableByteSpan out) override {
    if (fail_reads || offset + out.size() > slots_[slot].size()) return false;
    std::memcpy(out.data(), slots_[slot].data() + offset, out.size());
    return true;
  }
  bool write(uint8_t slot, size_t offset, p1::ByteSpan data) override {
    size_t n = data.size();
    if (cut_after_ >= 0) {
      n = std::min(n, static_cast<size_t>(cut_after_));
      cut_after_ = -1;
    }
    std::memcpy(slots_[slot].data() + offset, data.data(), n);
    return n == data.size();
  }
  void cut_next_write_after(long bytes) { cut_after_ = bytes; }
  std::vector<uint8_t>& slot(int i) { return slots_[i]; }
  bool fail_reads = false;  // the flash does not answer (for a while)

 private:
  std::vector<uint8_t> slots_[2];
  long cut_after_ = -1;
};

Settings sample(const char* host) {
  Settings s;
  s.set(SettingId::kMqttHost, host);
  s.set(SettingId::kMeterKey, "36C66639E48A8CA4D6BC8B282A793BBB");
  s.set(SettingId::kMqttPassword, "secret pass");
  s.set(SettingId::kWebKey, "abcdef123456");
  return s;
}

TEST(SettingsStore, EmptyStorageGivesDefaults) {
  MemoryStorage storage;
  p1::SettingsStore store(storage, record_scratch());
  Settings s = sample("x");
  EXPECT_EQ(store.load(s), p1::LoadStatus::kNoSettings);
  EXPECT_EQ(s, Settings());
}

TEST(SettingsStore, SavesAlternatelyAndLoadsTheNewest) {
  MemoryStorage storage;
  p1::SettingsStore store(storage, record_scratch());
  Settings s;
  store.load(s);
  ASSERT_TRUE(store.save(sample("one.local")));
  ASSERT_TRUE(store.save(sample("two.local")));
  ASSERT_TRUE(store.save(sample("three.local")));
  // Both slots hold valid records; the newer one wins on a fresh start.
  p1::SettingsStore again(storage, record_scratch());
  Settings loaded;
  EXPECT_EQ(again.load(loaded), p1::LoadStatus::kLoaded);
  EXPECT_EQ(loaded, sample("three.local"));
  EXPECT_NE(storage.slot(0), storage.slot(1));
}

TEST(SettingsStore, PowerCutAtEveryByteLeavesOldOrNew) {
  Settings old_settings = sample("old.local");
  Settings new_settings = sample("new.example.org");
  uint8_t record[p1::kSettingsRecordMax];
  size_t length = p1::encode_settings_record(new_settings, 2, p1::MutableByteSpan(record, sizeof record));
  ASSERT_GT(length, 100u);
  for (int history = 1; history <= 2; ++history) {
    for (size_t cut = 0; cut <= length; ++cut) {
      MemoryStorage storage;
      {
        p1::SettingsStore store(storage, record_scratch());
        Settings s;
        store.load(s);
        if (history == 2) store.save(sample("older.local"));
        store.save(old_settings);
        storage.cut_next_write_after(static_cast<long>(cut));
        store.save(new_settings);
      }
      p1::SettingsStore reboot(storage, record_scratch());
      Settings loaded;
      EXPECT_EQ(reboot.load(loaded), p1::LoadStatus::kLoaded) << cut;
      bool old_or_new = loaded == old_settings || (cut == length && loaded == new_settings);
      EXPECT_TRUE(old_or_new) << "cut after " << cut << " of " << length << " bytes, history " << history
                              << ": host " << loaded.get(SettingId::kMqttHost);
      // And the next save after the cut works normally.
      Settings third = sample("third.local");
      ASSERT_TRUE(reboot.save(third));
      p1::SettingsStore again(storage, record_scratch());
      again.load(loaded);
      EXPECT_EQ(loaded, third) << cut;
    }
  }
}

TEST(SettingsStore, CorruptNewestRecordFallsBackToTheOther) {
  MemoryStorage storage;
  p1::SettingsStore store(storage, record_scratch());
  Settings s;
  store.load(s);
  store.save(sample("a.local"));
  store.save(sample("b.local"));
  storage.slot(1)[40] ^= 0x01;  // bit rot in the newer record
  p1::SettingsStore again(storage, record_scratch());
  EXPECT_EQ(again.load(s), p1::LoadStatus::kLoaded);
  EXPECT_EQ(s, sample("a.local"));
}

TEST(SettingsStore, ClearForgetsEverything) {
  MemoryStorage storage;
  p1::SettingsStore store(storage, record_scratch());
  Settings s;
  store.load(s);
  store.save(sample("a.local"));
  store.save(sample("b.local"));
  ASSERT_TRUE(store.clear());
  p1::SettingsStore again(storage, record_scratch());
  EXPECT_EQ(again.load(s), p1::LoadStatus::kNoSettings);
}

TEST(SettingsStore, VersionOneRecordIsMigrated) {
  // The original gateway's record: strings NUL-terminated, port u16, mode u8.
  std::vector<uint8_t> payload;
  auto str = [&](const char* s) {
    size_t at = payload.size();
    payload.resize(at + std::strlen(s) + 1);
    std::memcpy(payload.data() + at, s, std::strlen(s) + 1);
  };
  str("HomeWifi");
  str("wifi-password");
  str("192.168.0.5");
  payload.resize(payload.size() + 2);
  payload[payload.size() - 2] = 0xB3;  // 8883 = 0x22B3, little endian
  payload[payload.size() - 1] = 0x22;
  str("[insecure]");
  str("power-meter");
  str("mqttpass");
  str("EVN-Gateway");
  str("evn/meter");
  payload.resize(payload.size() + 1, 1);  // message mode 1: topics
  str("webkey1234");
  str("36C66639E48A8CA4D6BC8B282A793BBB");
  // Built byte by byte: GCC 12 misreports initializer-list inserts here.
  std::vector<uint8_t> record(12 + payload.size(), 0);
  const char* magic = "P1ST";
  for (int i = 0; i < 4; ++i) record[static_cast<size_t>(i)] = static_cast<uint8_t>(magic[i]);
  record[4] = 1;
  record[6] = static_cast<uint8_t>(payload.size());
  record[7] = static_cast<uint8_t>(payload.size() >> 8);
  record[8] = 7;
  std::copy(payload.begin(), payload.end(), record.begin() + 12);
  uint32_t crc = p1::crc32(p1::ByteSpan(record.data(), record.size()));
  record.resize(record.size() + 4);
  for (size_t i = 0; i < 4; ++i) record[record.size() - 4 + i] = static_cast<uint8_t>(crc >> (8 * i));
  MemoryStorage storage;
  std::memcpy(storage.slot(0).data(), record.data(), record.size());
  p1::SettingsStore store(storage, record_scratch());
  Settings s;
  EXPECT_EQ(store.load(s), p1::LoadStatus::kMigrated);
  EXPECT_STREQ(s.get(SettingId::kWifiSsid), "HomeWifi");
  EXPECT_STREQ(s.get(SettingId::kMqttPort), "8883");
  EXPECT_STREQ(s.get(SettingId::kMqttClientId), "EVN-Gateway");
  EXPECT_STREQ(s.get(SettingId::kMessageMode), "1");
  EXPECT_STREQ(s.get(SettingId::kMeterKey), "36C66639E48A8CA4D6BC8B282A793BBB");
  EXPECT_STREQ(s.get(SettingId::kSerialFormat), "8E1");  // new field: its default
  // Saved again, it becomes a current record in the other slot.
  ASSERT_TRUE(store.save(s));
  p1::SettingsStore again(storage, record_scratch());
  Settings loaded;
  EXPECT_EQ(again.load(loaded), p1::LoadStatus::kLoaded);
  EXPECT_EQ(loaded, s);
}

// Found by tests/fuzz/fuzz_settings.cpp: a save after a load that found no
// settings started again at sequence 1, so an older record with a higher
// sequence won at the next boot and the new settings were lost.
TEST(SettingsStore, SaveAfterAnUnreadableLoadStaysTheNewest) {
  MemoryStorage storage;
  {
    p1::SettingsStore store(storage, record_scratch());
    Settings s;
    store.load(s);
    for (const char* host : {"a.local", "b.local", "c.local", "d.local"}) ASSERT_TRUE(store.save(sample(host)));
  }
  p1::SettingsStore store(storage, record_scratch());
  Settings s;
  storage.fail_reads = true;  // at boot the flash did not answer: the wizard asked again
  EXPECT_EQ(store.load(s), p1::LoadStatus::kNoSettings);
  storage.fail_reads = false;
  ASSERT_TRUE(store.save(sample("new.local")));
  p1::SettingsStore reboot(storage, record_scratch());
  Settings loaded;
  EXPECT_EQ(reboot.load(loaded), p1::LoadStatus::kLoaded);
  EXPECT_EQ(loaded, sample("new.local"));
}

TEST(SettingsStore, NewerRecordThatDoesNotDecodeDoesNotHideTheOlder) {
  MemoryStorage storage;
  {
    p1::SettingsStore store(storage, record_scratch());
    Settings s;
    store.load(s);
    ASSERT_TRUE(store.save(sample("good.local")));  // slot 0, sequence 1
  }
  // Slot 1: a version 1 record with a valid CRC and sequence 9 whose payload
  // ends before its fields do (the migration refuses it).
  std::vector<uint8_t> record(12 + 4, 0);
  const char* magic = "P1ST";
  for (int i = 0; i < 4; ++i) record[static_cast<size_t>(i)] = static_cast<uint8_t>(magic[i]);
  record[4] = 1;
  record[6] = 4;
  record[8] = 9;
  record[12] = 'a';
  record[13] = 'b';
  uint32_t crc = p1::crc32(p1::ByteSpan(record.data(), record.size()));
  for (size_t i = 0; i < 4; ++i) record.push_back(static_cast<uint8_t>(crc >> (8 * i)));
  std::memcpy(storage.slot(1).data(), record.data(), record.size());
  p1::SettingsStore store(storage, record_scratch());
  Settings s;
  EXPECT_EQ(store.load(s), p1::LoadStatus::kLoaded);
  EXPECT_EQ(s, sample("good.local"));
  // Saved over the record that does not decode, and newest from then on.
  ASSERT_TRUE(store.save(sample("next.local")));
  p1::SettingsStore reboot(storage, record_scratch());
  Settings loaded;
  EXPECT_EQ(reboot.load(loaded), p1::LoadStatus::kLoaded);
  EXPECT_EQ(loaded, sample("next.local"));
}

}  // namespace

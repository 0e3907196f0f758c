// The device's store-and-forward: readings as records (round trip through
// every output), the RAM ring, and the flash journal under power cuts.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "p1/crypto/aes_gcm_bearssl.h"
#include "p1/device/store_forward/reading_record.h"
#include "p1/device/store_forward/record_journal.h"
#include "p1/device/store_forward/record_ring.h"
#include "p1/output/output_format.h"
#include "support/fakes.h"
#include "support/evn_fixture.h"
#include "support/testdata.h"

namespace {

using p1test::Bytes;

std::string json_of(const p1::Reading& r) {
  char out[8192];
  auto n = p1::format_json(r, p1::CharSpan(out, sizeof out));
  EXPECT_TRUE(n);
  return n ? std::string(out, *n) : "";
}

std::string topics_of(const p1::Reading& r) {
  p1::TopicValues topics(r);
  std::string all;
  const char* field = nullptr;
  char value[256];
  size_t length = 0;
  while (topics.next(field, p1::CharSpan(value, sizeof value), length)) all += std::string(field) + "=" + std::string(value, length) + "\n";
  return all;
}

std::string raw_of(const p1::Reading& r) {
  char out[4096];
  auto n = p1::format_raw_hex(r, p1::CharSpan(out, sizeof out));
  return n ? std::string(out, *n) : "";
}

// Every real telegram: the reading decoded from its record renders exactly
// as the original in JSON, topics and raw.
TEST(ReadingRecord, EveryRealTelegramRoundTripsThroughEveryOutput) {
  size_t tested = 0;
  for (const std::string& id : p1test::telegram_ids()) {
    nlohmann::json t = p1test::load_telegram(id);
    if (!t.contains("hex")) continue;
    p1::BearSslAesGcm gcm;
    p1::MeterStream stream(&gcm);
    p1::Aes128Key key;
    p1::AuthKey auth;
    if (t["key"].is_string()) {
      std::string k = t["key"];
      p1::Aes128Key::parse(p1::Span<const char>(k.data(), k.size()), key);
      stream.decoder().set_key(key);
    }
    if (t["auth_key"].is_string()) {
      std::string k = t["auth_key"];
      p1::AuthKey::parse(p1::Span<const char>(k.data(), k.size()), auth);
      stream.decoder().set_auth_key(auth);
    }
    Bytes wire = p1enc::from_hex(t["hex"]);
    p1::ByteSpan in(wire.data(), wire.size());
    bool got = false;
    while (p1::StreamEvent e = stream.push(in)) {
      if (e.kind != p1::StreamEvent::Kind::kReading) continue;
      const p1::Reading& original = stream.reading();
      uint8_t record[p1::kMaxReadingRecord];
      size_t n = p1::encode_reading(original, true, p1::MutableByteSpan(record, sizeof record));
      ASSERT_GT(n, 0u) << id;
      p1::Reading copy;
      ASSERT_TRUE(p1::decode_reading(p1::ByteSpan(record, n), copy)) << id;
      EXPECT_EQ(json_of(copy), json_of(original)) << id;
      EXPECT_EQ(topics_of(copy), topics_of(original)) << id;
      EXPECT_EQ(raw_of(copy), raw_of(original)) << id;
      EXPECT_STREQ(copy.layout, original.layout) << id;
      size_t without = p1::encode_reading(original, false, p1::MutableByteSpan(record, sizeof record));
      EXPECT_LT(without, 256u) << id << ": a reading without its plaintext stays small";
      std::printf("  %-45s record %3zu bytes (%zu with the plaintext)\n", id.c_str(), without, n);
      got = true;
    }
    if (got) ++tested;
  }
  EXPECT_GE(tested, 6u);
}

TEST(ReadingRecord, DamagedRecordsAreRefusedNotMisread) {
  p1test::KeyedStream k;
  Bytes wire = p1test::evn_wire(7);
  p1::ByteSpan in(wire.data(), wire.size());
  ASSERT_TRUE(k.stream.push(in));
  uint8_t record[p1::kMaxReadingRecord];
  size_t n = p1::encode_reading(k.stream.reading(), true, p1::MutableByteSpan(record, sizeof record));
  ASSERT_GT(n, 0u);
  p1::Reading out;
  for (size_t cut = 0; cut < n; ++cut) EXPECT_FALSE(p1::decode_reading(p1::ByteSpan(record, cut), out)) << cut;
  uint8_t small[16];
  EXPECT_EQ(p1::encode_reading(k.stream.reading(), true, p1::MutableByteSpan(small, sizeof small)), 0u);
}

TEST(RecordRing, KeepsOrderAcrossWrapsAndRefusesWhatDoesNotFit) {
  uint8_t storage[64];
  p1::RecordRing ring(p1::MutableByteSpan(storage, sizeof storage));
  std::vector<std::string> expected;
  int next = 0, popped = 0;
  for (int round = 0; round < 200; ++round) {
    std::string r = "record-" + std::to_string(next);
    if (ring.push(p1::ByteSpan(reinterpret_cast<const uint8_t*>(r.data()), r.size()))) {
      expected.push_back(r);
      ++next;
    } else {
      ASSERT_FALSE(ring.empty()) << "an empty ring takes a record that fits";
    }
    if (round % 3 == 2) {
      ASSERT_FALSE(ring.empty());
      p1::ByteSpan f = ring.front();
      EXPECT_EQ(std::string(reinterpret_cast<const char*>(f.data()), f.size()), expected[static_cast<size_t>(popped)]);
      ring.pop();
      ++popped;
    }
  }
  EXPECT_GT(popped, 50);
  std::string big(70, 'x');
  EXPECT_FALSE(ring.push(p1::ByteSpan(reinterpret_cast<const uint8_t*>(big.data()), big.size())));
}

// A file in memory that can be cut short, as a power cut cuts an append.

p1::ByteSpan span_of(const std::string& s) { return p1::ByteSpan(reinterpret_cast<const uint8_t*>(s.data()), s.size()); }

std::vector<std::string> drain(p1::RecordJournal& journal) {
  std::vector<std::string> out;
  uint8_t buffer[512];
  while (!journal.empty()) {
    size_t n = journal.front(p1::MutableByteSpan(buffer, sizeof buffer));
    if (n == 0) break;
    out.emplace_back(reinterpret_cast<const char*>(buffer), n);
    journal.pop();
  }
  return out;
}

TEST(RecordJournal, ACutAtEveryByteOfAnAppendLosesOnlyThatRecord) {
  std::vector<std::string> records = {"first reading", "second reading", "third, a little longer reading"};
  // The whole file with all three, to know where the last append starts.
  p1test::MemoryJournalFile whole;
  p1::RecordJournal writer(whole, 4096);
  writer.open();
  for (const std::string& r : records) ASSERT_TRUE(writer.append(span_of(r)));
  size_t last_start = whole.bytes.size() - p1::RecordJournal::kEntryHeader - records.back().size();
  for (size_t cut = last_start; cut < whole.bytes.size(); ++cut) {
    p1test::MemoryJournalFile file;
    file.bytes.assign(whole.bytes.begin(), whole.bytes.begin() + static_cast<long>(cut));
    p1::RecordJournal journal(file, 4096);
    journal.open();
    EXPECT_EQ(journal.count(), 2u) << "cut at " << cut;
    EXPECT_EQ(journal.torn_dropped(), cut > last_start) << cut;
    EXPECT_EQ(file.bytes.size(), last_start) << "the torn tail is cut off";
    // New appends after the cut are found again after the next restart.
    ASSERT_TRUE(journal.append(span_of("after the power cut")));
    p1::RecordJournal again(file, 4096);
    again.open();
    std::vector<std::string> got = drain(again);
    ASSERT_EQ(got.size(), 3u) << cut;
    EXPECT_EQ(got[0], records[0]);
    EXPECT_EQ(got[1], records[1]);
    EXPECT_EQ(got[2], "after the power cut");
  }
}

TEST(RecordJournal, AppendCutByThePlatformIsUndoneAndCounted) {
  p1test::MemoryJournalFile file;
  p1::RecordJournal journal(file, 4096);
  journal.open();
  ASSERT_TRUE(journal.append(span_of("kept")));
  file.fail_append_after = 5;  // the flash write fails half way
  EXPECT_FALSE(journal.append(span_of("lost in the failure")));
  EXPECT_EQ(journal.dropped(), 1u);
  file.fail_append_after = SIZE_MAX;
  ASSERT_TRUE(journal.append(span_of("next")));
  p1::RecordJournal again(file, 4096);
  again.open();
  EXPECT_EQ(drain(again), (std::vector<std::string>{"kept", "next"}));
}

TEST(RecordJournal, CorruptEntriesAndLengthsAreDroppedWithWhatFollows) {
  p1test::MemoryJournalFile file;
  p1::RecordJournal journal(file, 4096);
  journal.open();
  for (const char* r : {"one", "two", "three"}) ASSERT_TRUE(journal.append(span_of(r)));
  p1test::MemoryJournalFile flipped = file;
  flipped.bytes[p1::RecordJournal::kEntryHeader + 3 + p1::RecordJournal::kEntryHeader + 1] ^= 0x01;  // inside "two"
  p1::RecordJournal a(flipped, 4096);
  a.open();
  EXPECT_TRUE(a.torn_dropped());
  EXPECT_EQ(drain(a), std::vector<std::string>{"one"});
  p1test::MemoryJournalFile huge = file;
  huge.bytes[1] = 0xFF;  // length 0xFFxx: runs past the end
  huge.bytes[2] = 0xFF;
  p1::RecordJournal b(huge, 4096);
  b.open();
  EXPECT_TRUE(b.empty());
  EXPECT_TRUE(huge.bytes.empty());
}

TEST(RecordJournal, ResumesAfterRestartAndIsBounded) {
  p1test::MemoryJournalFile file;
  p1::RecordJournal journal(file, 64);
  journal.open();
  int accepted = 0;
  for (int i = 0; i < 20; ++i) accepted += journal.append(span_of("reading-" + std::to_string(i))) ? 1 : 0;
  EXPECT_LT(accepted, 20);
  EXPECT_EQ(journal.dropped(), static_cast<uint32_t>(20 - accepted));
  uint8_t buffer[64];
  ASSERT_GT(journal.front(p1::MutableByteSpan(buffer, sizeof buffer)), 0u);
  journal.pop();  // the first was delivered, then the power went
  p1::RecordJournal after(file, 64);
  after.open();
  std::vector<std::string> rest = drain(after);
  ASSERT_EQ(rest.size(), static_cast<size_t>(accepted - 1));
  EXPECT_EQ(rest.front(), "reading-1");
  EXPECT_TRUE(file.bytes.empty()) << "a delivered backlog empties the file";
}

}  // namespace

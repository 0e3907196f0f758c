// The delivery queue's journal as a crash leaves it: cut at every byte, with a
// corrupt length or checksum, and under a steady load that never lets the
// queue run empty.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "message_queue.h"

namespace {

using p1d::Message;
using p1d::MessageQueue;

struct TempDir {
  std::string path;
  explicit TempDir(const std::string& name) {
    path = std::string(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") + "/p1q-" + name + "-" +
           std::to_string(getpid());
    std::system(("rm -rf '" + path + "' && mkdir -p '" + path + "'").c_str());
  }
  ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
  std::string journal() const { return path + "/queue.journal"; }
};

long file_size(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 ? static_cast<long>(st.st_size) : -1;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

Message reading(int n) {
  return Message{"smartmeter/json", "{\"n\":" + std::to_string(n) + ",\"w_p\":" + std::to_string(12937 + n) + "}", 1,
                 n % 3 == 0};
}

bool same(const Message& a, const Message& b) {
  return a.topic == b.topic && a.payload == b.payload && a.qos == b.qos && a.retain == b.retain;
}

// Pushes `count` readings into a fresh journal; returns the file size after
// each one (record boundaries, whatever the format).
std::vector<long> make_journal(const TempDir& dir, int count) {
  std::vector<long> ends;
  MessageQueue q;
  EXPECT_EQ(q.open(dir.path, 1000), "");
  ends.push_back(file_size(dir.journal()));
  for (int i = 1; i <= count; ++i) {
    q.push(reading(i));
    q.sync();
    ends.push_back(file_size(dir.journal()));
  }
  return ends;
}

TEST(MessageQueueJournal, CutAfterEveryByteLoadsEveryCompleteRecord) {
  TempDir dir("torn");
  const int count = 4;
  std::vector<long> ends = make_journal(dir, count);
  std::string full = read_file(dir.journal());
  ASSERT_EQ(static_cast<long>(full.size()), ends.back());
  // Every length from an empty file to the whole journal: a power cut while
  // writing any byte of any record.
  for (long cut = 0; cut <= ends.back(); ++cut) {
    SCOPED_TRACE("journal cut at " + std::to_string(cut) + " of " + std::to_string(ends.back()));
    std::system(("rm -f '" + dir.path + "'/queue.*").c_str());
    write_file(dir.journal(), full.substr(0, static_cast<size_t>(cut)));
    int complete = 0;
    while (complete < count && ends[static_cast<size_t>(complete) + 1] <= cut) ++complete;
    testing::internal::CaptureStderr();
    {
      MessageQueue q;
      ASSERT_EQ(q.open(dir.path, 1000), "");
      ASSERT_EQ(q.size(), static_cast<size_t>(complete));
      for (int i = 0; i < complete; ++i) EXPECT_TRUE(same(q.at(static_cast<size_t>(i)).message, reading(i + 1)));
      // The torn record is gone for good and new ones follow the good prefix.
      q.push(reading(99));
      q.sync();
    }
    std::string log = testing::internal::GetCapturedStderr();
    bool torn = cut > ends[static_cast<size_t>(complete)];
    if (torn) {
      EXPECT_NE(log.find("queue"), std::string::npos) << "a torn record is dropped silently";
    }
    MessageQueue again;
    ASSERT_EQ(again.open(dir.path, 1000), "");
    ASSERT_EQ(again.size(), static_cast<size_t>(complete) + 1);
    EXPECT_TRUE(same(again.at(static_cast<size_t>(complete)).message, reading(99)));
  }
}

// Loads the journal under a 512 MiB address-space limit: a length taken on
// trust would make it try to allocate up to 4 GiB and die. Exit status 0 when
// exactly the first `good` readings loaded.
[[noreturn]] void load_limited(const TempDir& dir, int good) {
  rlimit limit{};
  limit.rlim_cur = limit.rlim_max = 512u << 20;
  setrlimit(RLIMIT_AS, &limit);
  MessageQueue q;
  if (!q.open(dir.path, 1000).empty()) std::_Exit(3);
  if (q.size() != static_cast<size_t>(good)) std::_Exit(4);
  for (int i = 0; i < good; ++i) {
    if (!same(q.at(static_cast<size_t>(i)).message, reading(i + 1))) std::_Exit(5);
  }
  std::_Exit(0);
}

// In a child process (a death test), so the limit and a crash stay there;
// the log must say what was dropped.
void expect_prefix_loads_within_limits(const TempDir& dir, int good) {
  EXPECT_EXIT(load_limited(dir, good), ::testing::ExitedWithCode(0), "queue");
}

TEST(MessageQueueJournal, CorruptLengthLoadsTheGoodPrefixWithoutAHugeAllocation) {
  TempDir dir("length");
  std::vector<long> ends = make_journal(dir, 4);
  std::string full = read_file(dir.journal());
  // 0xFFFFFFFF over each 4-byte field at the start of the third record, so
  // whichever holds the length is hit.
  for (long field : {ends[2], ends[2] + 4}) {
    SCOPED_TRACE("0xFFFFFFFF at " + std::to_string(field));
    std::string bad = full;
    bad.replace(static_cast<size_t>(field), 4, "\xFF\xFF\xFF\xFF");
    std::system(("rm -f '" + dir.path + "'/queue.*").c_str());
    write_file(dir.journal(), bad);
    expect_prefix_loads_within_limits(dir, 2);
  }
}

TEST(MessageQueueJournal, CorruptPayloadIsDetectedAndTheGoodPrefixLoads) {
  TempDir dir("crc");
  std::vector<long> ends = make_journal(dir, 4);
  std::string full = read_file(dir.journal());
  // One bit of the third record's payload flipped on the disk.
  std::string bad = full;
  bad[static_cast<size_t>(ends[3] - 3)] ^= 0x10;
  write_file(dir.journal(), bad);
  expect_prefix_loads_within_limits(dir, 2);
}

// A steady load where the queue never runs empty: one message stays in
// flight (its acknowledgement never comes) while the others are delivered.
// The journal must not grow with the traffic.
TEST(MessageQueueJournal, JournalIsCompactedWhileInUse) {
  TempDir dir("compact");
  MessageQueue q;
  ASSERT_EQ(q.open(dir.path, 100000), "");
  q.push(reading(0));
  q.mark_in_flight(q.at(0).seq);
  long largest = 0;
  for (int i = 1; i <= 40000; ++i) {
    q.push(reading(i));
    q.mark_in_flight(q.at(1).seq);
    ASSERT_TRUE(q.acknowledge(q.at(1).seq));
    if (i % 100 == 0) q.commit(i);
    largest = std::max(largest, file_size(dir.journal()));
  }
  q.sync();
  ASSERT_EQ(q.size(), 1u);
  EXPECT_LT(largest, 1L << 20) << "the journal grew with the traffic (40,000 messages, about 3 MB of records)";
  EXPECT_EQ(static_cast<long>(q.journal_bytes()), file_size(dir.journal()));
  MessageQueue again;
  ASSERT_EQ(again.open(dir.path, 100000), "");
  ASSERT_EQ(again.size(), 1u);
  EXPECT_TRUE(same(again.at(0).message, reading(0)));
  again.push(reading(7));
  EXPECT_GT(again.at(1).seq, again.at(0).seq);
}

// Queue of 3: a message in flight is never the one dropped, and each
// acknowledgement removes exactly its own message, in any order.
TEST(MessageQueue, FullQueueKeepsMessagesInFlightAndAcksMatchBySequenceNumber) {
  TempDir dir("full");
  MessageQueue q;
  ASSERT_EQ(q.open(dir.path, 3), "");
  for (int i = 1; i <= 3; ++i) q.push(reading(i));
  ASSERT_NE(q.next_unsent(), nullptr);
  uint64_t first = q.next_unsent()->seq;
  q.mark_in_flight(first);
  EXPECT_TRUE(same(q.next_unsent()->message, reading(2)));

  q.push(reading(4));  // full: 2 is the oldest not in flight
  EXPECT_EQ(q.dropped(), 1u);
  ASSERT_EQ(q.size(), 3u);
  EXPECT_TRUE(same(q.at(0).message, reading(1)));
  EXPECT_TRUE(q.at(0).in_flight);
  EXPECT_TRUE(same(q.at(1).message, reading(3)));
  EXPECT_TRUE(same(q.at(2).message, reading(4)));

  EXPECT_TRUE(q.acknowledge(first));
  ASSERT_EQ(q.size(), 2u);
  EXPECT_TRUE(same(q.at(0).message, reading(3)));
  EXPECT_FALSE(q.acknowledge(first)) << "an acknowledgement removed a second message";
  EXPECT_EQ(q.size(), 2u);

  // All in flight and full: the new message is the oldest not in flight.
  uint64_t three = q.at(0).seq, four = q.at(1).seq;
  q.mark_in_flight(three);
  q.mark_in_flight(four);
  q.push(reading(5));
  q.mark_in_flight(q.at(2).seq);
  EXPECT_EQ(q.in_flight(), 3u);
  EXPECT_EQ(q.next_unsent(), nullptr);
  q.push(reading(6));
  EXPECT_EQ(q.dropped(), 2u);
  ASSERT_EQ(q.size(), 3u);
  EXPECT_TRUE(same(q.at(2).message, reading(5)));

  // Acknowledgements out of order.
  EXPECT_TRUE(q.acknowledge(four));
  ASSERT_EQ(q.size(), 2u);
  EXPECT_TRUE(same(q.at(0).message, reading(3)));
  EXPECT_TRUE(same(q.at(1).message, reading(5)));
  EXPECT_EQ(q.in_flight(), 2u);

  // A lost connection: both go out again, oldest first.
  q.requeue_in_flight();
  EXPECT_EQ(q.in_flight(), 0u);
  EXPECT_TRUE(same(q.next_unsent()->message, reading(3)));
  q.sync();

  MessageQueue again;
  ASSERT_EQ(again.open(dir.path, 3), "");
  ASSERT_EQ(again.size(), 2u);
  EXPECT_TRUE(same(again.at(0).message, reading(3)));
  EXPECT_TRUE(same(again.at(1).message, reading(5)));
}

TEST(MessageQueue, ASmallerBoundDropsTheOldestAtStartAndForGood) {
  TempDir dir("shrink");
  {
    MessageQueue q;
    ASSERT_EQ(q.open(dir.path, 100), "");
    for (int i = 1; i <= 5; ++i) q.push(reading(i));
  }
  {
    MessageQueue q;
    ASSERT_EQ(q.open(dir.path, 2), "");
    EXPECT_EQ(q.dropped(), 3u);
    ASSERT_EQ(q.size(), 2u);
    EXPECT_TRUE(same(q.at(0).message, reading(4)));
  }
  MessageQueue q;
  ASSERT_EQ(q.open(dir.path, 100), "");
  EXPECT_EQ(q.size(), 2u);
}

TEST(MessageQueue, RefusesARecordAboveTheBound) {
  TempDir dir("huge");
  MessageQueue q;
  ASSERT_EQ(q.open(dir.path, 100), "");
  testing::internal::CaptureStderr();
  q.push(Message{"smartmeter/raw", std::string(2u << 20, 'x'), 1, false});
  EXPECT_NE(testing::internal::GetCapturedStderr().find("limit"), std::string::npos);
  EXPECT_EQ(q.size(), 0u);
  EXPECT_EQ(q.dropped(), 1u);
}

// A journal of the format before checksums, with its side file saying the
// first record was delivered: the rest is taken over, then in the new format.
TEST(MessageQueue, TakesOverAJournalOfThePreviousFormat) {
  TempDir dir("legacy");
  std::string old;
  for (int i = 1; i <= 3; ++i) {
    Message m = reading(i);
    uint8_t h[8] = {0xA5, static_cast<uint8_t>(m.qos | (m.retain ? 4 : 0)), static_cast<uint8_t>(m.topic.size()), 0,
                    static_cast<uint8_t>(m.payload.size()), 0, 0, 0};
    old.append(reinterpret_cast<const char*>(h), 8);
    old += m.topic + m.payload;
  }
  write_file(dir.journal(), old);
  uint64_t delivered = 1;
  write_file(dir.path + "/queue.acked", std::string(reinterpret_cast<const char*>(&delivered), 8));
  {
    MessageQueue q;
    ASSERT_EQ(q.open(dir.path, 100), "");
    ASSERT_EQ(q.size(), 2u);
    EXPECT_TRUE(same(q.at(0).message, reading(2)));
    EXPECT_TRUE(same(q.at(1).message, reading(3)));
  }
  EXPECT_EQ(read_file(dir.journal()).substr(0, 8), "P1QUEUE2");
  EXPECT_EQ(file_size(dir.path + "/queue.acked"), -1);
  MessageQueue q;
  ASSERT_EQ(q.open(dir.path, 100), "");
  EXPECT_EQ(q.size(), 2u);
}

}  // namespace

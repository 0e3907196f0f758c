// The queue journal's file format. The file starts with an 8-byte header
// ("P1QUEUE2"), then records, each
//   length (u32 LE) | CRC-32 (u32 LE, zlib polynomial, over length and body) | body
// with the body either a message
//   'M' | flags (qos | retain << 2) | topic length (u16 LE) | sequence number (u64 LE) | topic | payload
// or the note that a message left the queue (delivered or dropped)
//   'D' | sequence number (u64 LE).
// A power cut can leave the last record short; a disk can change bytes. The
// checksum tells both from a real record, and the bounded length keeps a
// corrupt one from making the loader allocate gigabytes.
#pragma once
#include <cstdint>
#include <cstdio>
#include <string>

#include "message.h"

namespace p1d {

constexpr char kJournalHeader[8] = {'P', '1', 'Q', 'U', 'E', 'U', 'E', '2'};
// Far above any reading (a telegram's JSON is under 8 KiB), far below what
// would hurt to allocate.
constexpr uint32_t kMaxRecordBody = 1u << 20;

struct JournalRecord {
  enum class Kind : uint8_t { kMessage = 'M', kDone = 'D' };
  Kind kind = Kind::kMessage;
  uint64_t seq = 0;
  Message message;  // kMessage only
};

// Bytes the record of this message takes in the journal.
size_t message_record_size(const Message& message);
// Appends the record of a queued message; false (nothing appended) if it
// exceeds the bound.
bool encode_message(uint64_t seq, const Message& message, std::string& out);
// Appends the note that message `seq` left the queue.
void encode_done(uint64_t seq, std::string& out);

// Reads records from an open journal positioned after its header.
class JournalReader {
 public:
  enum class Status { kRecord, kEnd, kTorn, kCorrupt };
  JournalReader(FILE* file, uint64_t file_size, uint64_t offset)
      : file_(file), size_(file_size), good_end_(offset) {}
  Status next(JournalRecord& out);
  // Offset just past the last good record.
  uint64_t good_end() const { return good_end_; }
  // What was wrong with the record at good_end(), for the log.
  const std::string& problem() const { return problem_; }

 private:
  Status fail(Status status, const std::string& problem);

  FILE* file_;
  uint64_t size_;
  uint64_t good_end_;
  std::string body_;
  std::string problem_;
};

}  // namespace p1d

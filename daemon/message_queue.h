// Readings waiting for the broker: a bounded FIFO kept in memory and in a
// journal on disk (format in journal_record.h), so nothing is lost while the
// broker is down, p1bridge is killed or the power fails.
//
// Every message has a sequence number. The MQTT client marks the ones it
// published as in flight and acknowledges each by its number when the broker
// confirms it; the acknowledgement removes exactly that message. When the
// bound is reached the oldest message *not* in flight is dropped and counted:
// one in flight may already be at the broker, and dropping it would let its
// acknowledgement be taken for another.
//
// Durability (group commit): records are written with write(2) as they
// happen; commit(), once per run-loop iteration, fdatasync()s them. A power
// cut therefore loses at most the readings queued in the iteration under way.
// "Delivered/dropped" notes alone are synced at most once a second: losing
// them sends a message again, which at-least-once delivery allows.
//
// The journal is rewritten (new file, fdatasync, rename, directory fsync)
// when the records of messages no longer queued are at least 256 KiB and
// outweigh the live ones, so its size stays within about twice the queue.
#pragma once
#include <cstdint>
#include <deque>
#include <string>

#include "message.h"

namespace p1d {

struct QueuedMessage {
  uint64_t seq = 0;
  Message message;
  bool in_flight = false;
};

class MessageQueue {
 public:
  MessageQueue() = default;
  ~MessageQueue();
  MessageQueue(const MessageQueue&) = delete;
  MessageQueue& operator=(const MessageQueue&) = delete;

  // Opens (creating) the journal in `dir` and loads undelivered messages.
  std::string open(const std::string& dir, size_t max_messages);
  void push(Message message);
  size_t size() const { return messages_.size(); }
  const QueuedMessage& at(size_t i) const { return messages_[i]; }

  // The oldest message not yet handed to the broker, or null.
  const QueuedMessage* next_unsent() const;
  void mark_in_flight(uint64_t seq);
  size_t in_flight() const { return in_flight_; }
  // The broker confirmed message `seq`: it leaves the queue. False if no
  // such message is queued.
  bool acknowledge(uint64_t seq);
  // The connection is gone: what was in flight is to be published again.
  void requeue_in_flight();

  // Once per loop iteration: makes this iteration's messages durable and
  // compacts the journal when it is due.
  void commit(int64_t now_ms);
  // Everything to the disk now (on shutdown).
  void sync();

  uint64_t dropped() const { return dropped_; }
  uint64_t loaded() const { return loaded_; }
  uint64_t journal_bytes() const { return file_bytes_; }

 private:
  std::string load();
  bool append(const std::string& record);
  void remove_at(size_t index);
  bool rewrite();
  size_t first_unsent() const;

  std::deque<QueuedMessage> messages_;
  size_t max_ = 100000;
  size_t in_flight_ = 0;
  std::string dir_;
  std::string journal_path_;
  int fd_ = -1;
  uint64_t next_seq_ = 1;
  uint64_t file_bytes_ = 0;   // journal size
  uint64_t live_bytes_ = 0;   // of which records of queued messages
  bool unsynced_messages_ = false;
  bool unsynced_notes_ = false;
  bool not_journaled_ = false;  // a write failed: some queued messages are in memory only
  int64_t last_sync_ms_ = 0;
  int64_t next_rewrite_ms_ = 0;
  uint64_t dropped_ = 0;
  uint64_t loaded_ = 0;
};

}  // namespace p1d

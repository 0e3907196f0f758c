// Readings waiting for the broker: a bounded FIFO kept in memory and in an
// append-only journal on disk, so nothing is lost while the broker is down
// or p1bridge restarts. The journal holds records; a small side file counts
// how many of them were delivered. When everything is delivered the journal
// is truncated. When the bound is reached the oldest messages are dropped
// and counted.
#pragma once
#include <cstdint>
#include <cstdio>
#include <deque>
#include <string>

namespace p1d {

struct Message {
  std::string topic;
  std::string payload;
  int qos = 1;
  bool retain = false;
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
  const Message& at(size_t i) const { return messages_[i]; }
  // The first n messages were delivered.
  void pop_front(size_t n);
  uint64_t dropped() const { return dropped_; }
  uint64_t loaded() const { return loaded_; }
  // Pushes journal writes to the disk (on shutdown).
  void sync();

 private:
  void write_acked();
  bool append_record(const Message& message);

  std::deque<Message> messages_;
  size_t max_ = 100000;
  std::string journal_path_;
  std::string acked_path_;
  FILE* journal_ = nullptr;
  int acked_fd_ = -1;
  uint64_t journal_records_ = 0;  // records in the journal file
  uint64_t acked_ = 0;            // of which delivered (or dropped)
  uint64_t dropped_ = 0;
  uint64_t loaded_ = 0;
};

}  // namespace p1d

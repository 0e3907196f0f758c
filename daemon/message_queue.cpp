#include "message_queue.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>

#include "journal_legacy.h"
#include "journal_record.h"
#include "log.h"

namespace p1d {

namespace {
constexpr uint64_t kCompactMinBytes = 256 * 1024;
constexpr int64_t kNoteSyncMs = 1000;
constexpr int64_t kRetryRewriteMs = 10000;

std::string make_dirs(const std::string& dir) {
  std::string path;
  for (size_t i = 0; i <= dir.size(); ++i) {
    if (i == dir.size() || (dir[i] == '/' && i > 0)) {
      path = dir.substr(0, i);
      if (mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
        return "cannot create queue directory " + path + ": " + std::strerror(errno);
      }
    }
  }
  return {};
}

bool write_all(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// A rename is durable only once the directory is synced.
void sync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  fsync(fd);
  close(fd);
}

// Keeps the unreadable part of a journal for whoever wants to look at it.
void keep_aside(const std::string& path, uint64_t from, const std::string& to) {
  FILE* in = std::fopen(path.c_str(), "rb");
  FILE* out = in != nullptr ? std::fopen(to.c_str(), "wb") : nullptr;
  if (out != nullptr && std::fseek(in, static_cast<long>(from), SEEK_SET) == 0) {
    char buffer[65536];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, in)) > 0) std::fwrite(buffer, 1, n, out);
  }
  if (out != nullptr) std::fclose(out);
  if (in != nullptr) std::fclose(in);
}
}  // namespace

MessageQueue::~MessageQueue() {
  if (fd_ >= 0) close(fd_);
}

std::string MessageQueue::open(const std::string& dir, size_t max_messages) {
  max_ = max_messages;
  dir_ = dir;
  std::string error = make_dirs(dir);
  if (!error.empty()) return error;
  journal_path_ = dir + "/queue.journal";
  error = load();
  if (!error.empty()) return error;
  loaded_ = messages_.size();
  while (messages_.size() > max_) {  // the bound shrank since the last run
    remove_at(0);
    ++dropped_;
  }
  sync();
  return {};
}

std::string MessageQueue::load() {
  std::string legacy_acked = dir_ + "/queue.acked";
  if (is_legacy_journal(journal_path_)) {
    for (Message& m : read_legacy_journal(journal_path_, legacy_acked)) {
      live_bytes_ += message_record_size(m);
      messages_.push_back(QueuedMessage{next_seq_++, std::move(m), false});
    }
    if (!rewrite()) return "cannot convert " + journal_path_ + " to the new format";
    unlink(legacy_acked.c_str());
    P1_LOG_INFO("queue: %zu undelivered messages taken over from the previous journal format", messages_.size());
    return {};
  }
  FILE* f = std::fopen(journal_path_.c_str(), "rb");
  if (f == nullptr) {
    if (errno != ENOENT) return "cannot read " + journal_path_ + ": " + std::strerror(errno);
    return rewrite() ? std::string() : "cannot create " + journal_path_;
  }
  struct stat st {};
  fstat(fileno(f), &st);
  uint64_t size = static_cast<uint64_t>(st.st_size);
  char header[sizeof kJournalHeader];
  if (size < sizeof header || std::fread(header, 1, sizeof header, f) != sizeof header ||
      std::memcmp(header, kJournalHeader, sizeof header) != 0) {
    std::fclose(f);
    if (size > 0) {
      std::string bad = journal_path_ + ".bad";
      P1_LOG_WARN("queue: %s is not a p1bridge journal; kept as %s, starting with an empty queue",
                  journal_path_.c_str(), bad.c_str());
      std::rename(journal_path_.c_str(), bad.c_str());
    }
    return rewrite() ? std::string() : "cannot create " + journal_path_;
  }
  // Sequence numbers only grow, so this order is the queue's order.
  std::map<uint64_t, Message> live;
  JournalReader reader(f, size, sizeof header);
  JournalRecord record;
  JournalReader::Status status;
  while ((status = reader.next(record)) == JournalReader::Status::kRecord) {
    if (record.kind == JournalRecord::Kind::kMessage) {
      live[record.seq] = std::move(record.message);
    } else {
      live.erase(record.seq);
    }
    if (record.seq >= next_seq_) next_seq_ = record.seq + 1;
  }
  std::fclose(f);
  uint64_t good_end = reader.good_end();
  if (status != JournalReader::Status::kEnd) {
    bool torn = status == JournalReader::Status::kTorn;
    std::string bad = journal_path_ + ".bad";
    P1_LOG_WARN("queue: %s at byte %llu of %s (%s): dropping the last %llu bytes%s%s, keeping %zu messages",
                torn ? "record cut short" : "corrupt record", static_cast<unsigned long long>(good_end),
                journal_path_.c_str(), reader.problem().c_str(), static_cast<unsigned long long>(size - good_end),
                torn ? "" : ", kept as ", torn ? "" : bad.c_str(), live.size());
    if (!torn) keep_aside(journal_path_, good_end, bad);
    if (truncate(journal_path_.c_str(), static_cast<off_t>(good_end)) != 0) {
      return "cannot repair " + journal_path_ + ": " + std::strerror(errno);
    }
  }
  for (auto& entry : live) {
    live_bytes_ += message_record_size(entry.second);
    messages_.push_back(QueuedMessage{entry.first, std::move(entry.second), false});
  }
  fd_ = ::open(journal_path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd_ < 0) return "cannot write " + journal_path_ + ": " + std::strerror(errno);
  file_bytes_ = good_end;
  return {};
}

bool MessageQueue::append(const std::string& record) {
  if (fd_ < 0) return false;
  if (write_all(fd_, record.data(), record.size())) {
    file_bytes_ += record.size();
    return true;
  }
  // Half a record in the middle of the journal would hide every later one.
  int error = errno;
  if (ftruncate(fd_, static_cast<off_t>(file_bytes_)) != 0) {
    P1_LOG_ERROR("queue: cannot cut a failed write off %s: %s", journal_path_.c_str(), std::strerror(errno));
  }
  errno = error;
  return false;
}

void MessageQueue::push(Message message) {
  std::string record;
  if (!encode_message(next_seq_, message, record)) {
    ++dropped_;
    P1_LOG_ERROR("queue: a message of %zu bytes for %s exceeds the journal's record limit: dropped",
                 message.payload.size(), message.topic.c_str());
    return;
  }
  if (messages_.size() >= max_) {
    bool all_in_flight = first_unsent() == messages_.size();
    ++dropped_;
    if (dropped_ == 1 || dropped_ % 1000 == 0) {
      P1_LOG_WARN("queue full (%zu messages): dropped the oldest not in flight, %llu dropped so far", max_,
                  static_cast<unsigned long long>(dropped_));
    }
    // Everything queued is in flight: the new message is the oldest one
    // that is not.
    if (all_in_flight) return;
    remove_at(first_unsent());
  }
  if (!append(record)) {
    if (!not_journaled_) {
      P1_LOG_ERROR("queue: cannot write %s: %s (keeping messages in memory until it works again)",
                   journal_path_.c_str(), std::strerror(errno));
    }
    not_journaled_ = true;
  }
  live_bytes_ += record.size();
  messages_.push_back(QueuedMessage{next_seq_++, std::move(message), false});
  unsynced_messages_ = true;
}

size_t MessageQueue::first_unsent() const {
  // Messages are published oldest first, so those in flight are the first
  // few and this loop is short.
  size_t i = 0;
  while (i < messages_.size() && messages_[i].in_flight) ++i;
  return i;
}

const QueuedMessage* MessageQueue::next_unsent() const {
  size_t i = first_unsent();
  return i < messages_.size() ? &messages_[i] : nullptr;
}

void MessageQueue::mark_in_flight(uint64_t seq) {
  for (QueuedMessage& m : messages_) {
    if (m.seq != seq) continue;
    if (!m.in_flight) ++in_flight_;
    m.in_flight = true;
    return;
  }
}

bool MessageQueue::acknowledge(uint64_t seq) {
  for (size_t i = 0; i < messages_.size(); ++i) {
    if (messages_[i].seq == seq) {
      remove_at(i);
      return true;
    }
  }
  return false;
}

void MessageQueue::requeue_in_flight() {
  for (QueuedMessage& m : messages_) {
    if (in_flight_ == 0) break;
    if (m.in_flight) --in_flight_;
    m.in_flight = false;
  }
}

void MessageQueue::remove_at(size_t index) {
  QueuedMessage& m = messages_[index];
  std::string note;
  encode_done(m.seq, note);
  // If this fails the message comes back after a restart and is sent again.
  append(note);
  live_bytes_ -= message_record_size(m.message);
  if (m.in_flight) --in_flight_;
  messages_.erase(messages_.begin() + static_cast<long>(index));
  unsynced_notes_ = true;
}

void MessageQueue::commit(int64_t now_ms) {
  uint64_t used = sizeof kJournalHeader + live_bytes_;
  uint64_t dead = file_bytes_ > used ? file_bytes_ - used : 0;
  bool due = not_journaled_ || (dead >= kCompactMinBytes && dead >= live_bytes_);
  if (due && now_ms >= next_rewrite_ms_) {
    if (rewrite()) {
      last_sync_ms_ = now_ms;
    } else {
      next_rewrite_ms_ = now_ms + kRetryRewriteMs;
    }
  }
  if (unsynced_messages_ || (unsynced_notes_ && now_ms - last_sync_ms_ >= kNoteSyncMs)) {
    sync();
    last_sync_ms_ = now_ms;
  }
}

void MessageQueue::sync() {
  if (fd_ >= 0 && fdatasync(fd_) != 0) {
    P1_LOG_ERROR("queue: cannot sync %s: %s", journal_path_.c_str(), std::strerror(errno));
  }
  unsynced_messages_ = false;
  unsynced_notes_ = false;
}

bool MessageQueue::rewrite() {
  std::string next = journal_path_ + ".new";
  int fd = ::open(next.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
  bool ok = fd >= 0;
  std::string buffer(kJournalHeader, sizeof kJournalHeader);
  uint64_t written = 0;
  for (size_t i = 0; ok && i <= messages_.size(); ++i) {
    if (i < messages_.size()) encode_message(messages_[i].seq, messages_[i].message, buffer);
    if (buffer.size() >= 65536 || i == messages_.size()) {
      ok = write_all(fd, buffer.data(), buffer.size());
      written += buffer.size();
      buffer.clear();
    }
  }
  ok = ok && fdatasync(fd) == 0 && std::rename(next.c_str(), journal_path_.c_str()) == 0;
  if (!ok) {
    P1_LOG_WARN("queue: cannot rewrite %s: %s", journal_path_.c_str(), std::strerror(errno));
    if (fd >= 0) close(fd);
    unlink(next.c_str());
    return false;
  }
  // Before anything is appended to the new file, or a power cut could bring
  // back the old one without it.
  sync_dir(dir_);
  if (fd_ >= 0) close(fd_);
  fd_ = fd;
  file_bytes_ = written;
  live_bytes_ = written - sizeof kJournalHeader;
  not_journaled_ = false;
  unsynced_messages_ = false;
  unsynced_notes_ = false;
  return true;
}

}  // namespace p1d

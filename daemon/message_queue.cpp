#include "message_queue.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "log.h"

namespace p1d {

namespace {
// Record: magic(1) flags(1) topic_len(2, LE) payload_len(4, LE) topic payload.
constexpr uint8_t kMagic = 0xA5;

bool read_exact(FILE* f, void* out, size_t n) { return std::fread(out, 1, n, f) == n; }

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
}  // namespace

MessageQueue::~MessageQueue() {
  if (journal_ != nullptr) std::fclose(journal_);
  if (acked_fd_ >= 0) close(acked_fd_);
}

std::string MessageQueue::open(const std::string& dir, size_t max_messages) {
  max_ = max_messages;
  std::string error = make_dirs(dir);
  if (!error.empty()) return error;
  journal_path_ = dir + "/queue.journal";
  acked_path_ = dir + "/queue.acked";
  if (FILE* a = std::fopen(acked_path_.c_str(), "rb")) {
    if (!read_exact(a, &acked_, sizeof acked_)) acked_ = 0;
    std::fclose(a);
  }
  // Load the journal; a record cut short by a crash ends it.
  long good_end = 0;
  if (FILE* j = std::fopen(journal_path_.c_str(), "rb")) {
    uint64_t index = 0;
    for (;;) {
      uint8_t header[8];
      if (!read_exact(j, header, sizeof header) || header[0] != kMagic) break;
      size_t topic_len = header[2] | header[3] << 8;
      size_t payload_len = static_cast<size_t>(header[4]) | static_cast<size_t>(header[5]) << 8 |
                           static_cast<size_t>(header[6]) << 16 | static_cast<size_t>(header[7]) << 24;
      Message m;
      m.topic.resize(topic_len);
      m.payload.resize(payload_len);
      if (!read_exact(j, &m.topic[0], topic_len) || (payload_len > 0 && !read_exact(j, &m.payload[0], payload_len))) {
        break;
      }
      m.qos = header[1] & 3;
      m.retain = (header[1] & 4) != 0;
      if (index >= acked_) messages_.push_back(std::move(m));
      ++index;
      good_end = std::ftell(j);
    }
    std::fclose(j);
    journal_records_ = index;
    if (acked_ > journal_records_) acked_ = journal_records_;
  }
  if (truncate(journal_path_.c_str(), good_end) != 0 && errno != ENOENT) {
    return "cannot repair " + journal_path_ + ": " + std::strerror(errno);
  }
  journal_ = std::fopen(journal_path_.c_str(), "ab");
  if (journal_ == nullptr) return "cannot write " + journal_path_ + ": " + std::strerror(errno);
  acked_fd_ = ::open(acked_path_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (acked_fd_ < 0) return "cannot write " + acked_path_ + ": " + std::strerror(errno);
  write_acked();
  loaded_ = messages_.size();
  while (messages_.size() > max_) {  // the bound shrank since the last run
    pop_front(1);
    ++dropped_;
  }
  return {};
}

bool MessageQueue::append_record(const Message& m) {
  uint8_t header[8] = {kMagic, static_cast<uint8_t>((m.qos & 3) | (m.retain ? 4 : 0)),
                       static_cast<uint8_t>(m.topic.size()), static_cast<uint8_t>(m.topic.size() >> 8),
                       static_cast<uint8_t>(m.payload.size()), static_cast<uint8_t>(m.payload.size() >> 8),
                       static_cast<uint8_t>(m.payload.size() >> 16), static_cast<uint8_t>(m.payload.size() >> 24)};
  bool ok = std::fwrite(header, 1, sizeof header, journal_) == sizeof header &&
            std::fwrite(m.topic.data(), 1, m.topic.size(), journal_) == m.topic.size() &&
            std::fwrite(m.payload.data(), 1, m.payload.size(), journal_) == m.payload.size();
  // Flushed to the kernel per record: survives a crash or kill of p1bridge.
  ok = std::fflush(journal_) == 0 && ok;
  return ok;
}

void MessageQueue::push(Message message) {
  if (journal_ != nullptr && !append_record(message)) {
    P1_LOG_ERROR("queue: cannot write %s: %s (keeping the message in memory only)", journal_path_.c_str(),
                 std::strerror(errno));
  }
  ++journal_records_;
  messages_.push_back(std::move(message));
  if (messages_.size() > max_) {
    pop_front(1);
    ++dropped_;
    if (dropped_ == 1 || dropped_ % 1000 == 0) {
      P1_LOG_WARN("queue full (%zu messages): dropped the oldest, %llu dropped so far", max_,
                  static_cast<unsigned long long>(dropped_));
    }
  }
}

void MessageQueue::pop_front(size_t n) {
  if (n > messages_.size()) n = messages_.size();
  messages_.erase(messages_.begin(), messages_.begin() + static_cast<long>(n));
  acked_ += n;
  if (messages_.empty() && journal_ != nullptr) {
    // All delivered: start the journal afresh.
    if (ftruncate(fileno(journal_), 0) == 0) {
      std::fseek(journal_, 0, SEEK_SET);
      journal_records_ = 0;
      acked_ = 0;
    }
  }
  write_acked();
}

void MessageQueue::write_acked() {
  // One 8-byte write in place per acknowledgement batch: cheap enough for a
  // thousand meters, and a page-cache write of 8 aligned bytes is never torn.
  if (acked_fd_ >= 0) (void)!pwrite(acked_fd_, &acked_, sizeof acked_, 0);
}

void MessageQueue::sync() {
  if (journal_ != nullptr) {
    std::fflush(journal_);
    fsync(fileno(journal_));
  }
  if (acked_fd_ >= 0) fsync(acked_fd_);
}

}  // namespace p1d

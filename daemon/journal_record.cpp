#include "journal_record.h"

#include "p1/device/settings/crc32.h"

namespace p1d {

namespace {
constexpr size_t kPrefix = 8;         // length + CRC
constexpr size_t kMessageFixed = 12;  // kind, flags, topic length, sequence number
constexpr size_t kDoneSize = 9;       // kind, sequence number

void put_le(std::string& out, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out += static_cast<char>((value >> (8 * i)) & 0xFF);
}

uint64_t get_le(const char* in, int bytes) {
  uint64_t value = 0;
  for (int i = bytes - 1; i >= 0; --i) value = value << 8 | static_cast<uint8_t>(in[i]);
  return value;
}

uint32_t record_crc(const char* length_bytes, const std::string& body, size_t body_at, size_t body_size) {
  uint32_t crc = p1::crc32(p1::ByteSpan(reinterpret_cast<const uint8_t*>(length_bytes), 4));
  return p1::crc32(p1::ByteSpan(reinterpret_cast<const uint8_t*>(body.data() + body_at), body_size), crc);
}
}  // namespace

size_t message_record_size(const Message& m) { return kPrefix + kMessageFixed + m.topic.size() + m.payload.size(); }

namespace {
// Length and CRC around a body already appended at out[start + kPrefix...].
void seal(std::string& out, size_t start) {
  size_t body_size = out.size() - start - kPrefix;
  for (int i = 0; i < 4; ++i) out[start + static_cast<size_t>(i)] = static_cast<char>((body_size >> (8 * i)) & 0xFF);
  uint32_t crc = record_crc(&out[start], out, start + kPrefix, body_size);
  for (int i = 0; i < 4; ++i) out[start + 4 + static_cast<size_t>(i)] = static_cast<char>((crc >> (8 * i)) & 0xFF);
}
}  // namespace

bool encode_message(uint64_t seq, const Message& m, std::string& out) {
  if (message_record_size(m) - kPrefix > kMaxRecordBody || m.topic.size() > 0xFFFF) return false;
  size_t start = out.size();
  out.append(kPrefix, '\0');
  out += static_cast<char>(JournalRecord::Kind::kMessage);
  out += static_cast<char>((m.qos & 3) | (m.retain ? 4 : 0));
  put_le(out, m.topic.size(), 2);
  put_le(out, seq, 8);
  out += m.topic;
  out += m.payload;
  seal(out, start);
  return true;
}

void encode_done(uint64_t seq, std::string& out) {
  size_t start = out.size();
  out.append(kPrefix, '\0');
  out += static_cast<char>(JournalRecord::Kind::kDone);
  put_le(out, seq, 8);
  seal(out, start);
}

JournalReader::Status JournalReader::fail(Status status, const std::string& problem) {
  problem_ = problem;
  return status;
}

JournalReader::Status JournalReader::next(JournalRecord& out) {
  if (good_end_ == size_) return Status::kEnd;
  char prefix[kPrefix];
  if (size_ - good_end_ < kPrefix || std::fread(prefix, 1, kPrefix, file_) != kPrefix) {
    return fail(Status::kTorn, "record header cut short");
  }
  uint64_t length = get_le(prefix, 4);
  uint32_t stored_crc = static_cast<uint32_t>(get_le(prefix + 4, 4));
  if (length > kMaxRecordBody || length < kDoneSize) {
    return fail(Status::kCorrupt, "impossible record length " + std::to_string(length));
  }
  if (length > size_ - good_end_ - kPrefix) {
    return fail(Status::kTorn, "record of " + std::to_string(length) + " bytes runs past the end of the file");
  }
  body_.resize(length);
  if (std::fread(&body_[0], 1, length, file_) != length) return fail(Status::kTorn, "read error");
  if (record_crc(prefix, body_, 0, length) != stored_crc) return fail(Status::kCorrupt, "checksum mismatch");
  auto kind = static_cast<JournalRecord::Kind>(body_[0]);
  if (kind == JournalRecord::Kind::kDone && length == kDoneSize) {
    out.kind = kind;
    out.seq = get_le(&body_[1], 8);
  } else if (kind == JournalRecord::Kind::kMessage && length >= kMessageFixed) {
    size_t topic_size = get_le(&body_[2], 2);
    if (topic_size > length - kMessageFixed) return fail(Status::kCorrupt, "topic longer than its record");
    out.kind = kind;
    out.message.qos = body_[1] & 3;
    out.message.retain = (body_[1] & 4) != 0;
    out.seq = get_le(&body_[4], 8);
    out.message.topic.assign(body_, kMessageFixed, topic_size);
    out.message.payload.assign(body_, kMessageFixed + topic_size, std::string::npos);
  } else {
    return fail(Status::kCorrupt, "unknown record");
  }
  good_end_ += kPrefix + length;
  return Status::kRecord;
}

}  // namespace p1d

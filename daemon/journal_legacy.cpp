#include "journal_legacy.h"

#include <sys/stat.h>

#include <cstdint>
#include <cstdio>

#include "journal_record.h"

namespace p1d {

namespace {
// Record: magic(1) flags(1) topic_len(2, LE) payload_len(4, LE) topic payload.
constexpr uint8_t kMagic = 0xA5;
}  // namespace

bool is_legacy_journal(const std::string& journal) {
  FILE* f = std::fopen(journal.c_str(), "rb");
  if (f == nullptr) return false;
  int first = std::fgetc(f);
  std::fclose(f);
  return first == kMagic;
}

std::vector<Message> read_legacy_journal(const std::string& journal, const std::string& acked) {
  std::vector<Message> out;
  uint64_t delivered = 0;
  if (FILE* a = std::fopen(acked.c_str(), "rb")) {
    if (std::fread(&delivered, 1, sizeof delivered, a) != sizeof delivered) delivered = 0;
    std::fclose(a);
  }
  FILE* j = std::fopen(journal.c_str(), "rb");
  if (j == nullptr) return out;
  struct stat st {};
  fstat(fileno(j), &st);
  uint64_t left = static_cast<uint64_t>(st.st_size);
  for (uint64_t index = 0;; ++index) {
    uint8_t h[8];
    if (left < sizeof h || std::fread(h, 1, sizeof h, j) != sizeof h || h[0] != kMagic) break;
    left -= sizeof h;
    size_t topic_len = h[2] | h[3] << 8;
    uint64_t payload_len = uint64_t{h[4]} | uint64_t{h[5]} << 8 | uint64_t{h[6]} << 16 | uint64_t{h[7]} << 24;
    // The old loader trusted these; here they must fit the file and the bound.
    if (topic_len + payload_len > left || topic_len + payload_len > kMaxRecordBody) break;
    Message m;
    m.topic.resize(topic_len);
    m.payload.resize(payload_len);
    if (std::fread(&m.topic[0], 1, topic_len, j) != topic_len) break;
    if (payload_len > 0 && std::fread(&m.payload[0], 1, payload_len, j) != payload_len) break;
    left -= topic_len + payload_len;
    m.qos = h[1] & 3;
    m.retain = (h[1] & 4) != 0;
    if (index >= delivered) out.push_back(std::move(m));
  }
  std::fclose(j);
  return out;
}

}  // namespace p1d

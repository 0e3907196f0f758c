#include "p1/dlms/axdr.h"

#include "p1/dlms/cipher_apdu.h"

namespace p1 {

int64_t AxdrToken::as_int() const {
  if (negative) return magnitude > static_cast<uint64_t>(INT64_MAX) ? INT64_MIN : -static_cast<int64_t>(magnitude);
  return magnitude > static_cast<uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(magnitude);
}

namespace {

// Per type tag: content size for fixed-size types and how to read it. A table
// because this runs for every value of every telegram.
enum : uint8_t { kKnown = 1, kVariable = 2, kIntegral = 4, kSigned = 8, kContainer = 16 };
struct TypeInfo {
  uint8_t size;
  uint8_t flags;
};
constexpr TypeInfo kTypes[0x1C] = {
    {0, kKnown},                        // 00 null-data
    {0, kKnown | kVariable | kContainer},  // 01 array
    {0, kKnown | kVariable | kContainer},  // 02 structure
    {1, kKnown | kIntegral},            // 03 boolean
    {0, kKnown | kVariable},            // 04 bit-string
    {4, kKnown | kIntegral | kSigned},  // 05 double-long
    {4, kKnown | kIntegral},            // 06 double-long-unsigned
    {0, 0},                             // 07
    {0, 0},                             // 08
    {0, kKnown | kVariable},            // 09 octet-string
    {0, kKnown | kVariable},            // 0A visible-string
    {0, 0},                             // 0B
    {0, kKnown | kVariable},            // 0C utf8-string
    {0, kKnown | kVariable},            // 0D bcd
    {0, 0},                             // 0E
    {1, kKnown | kIntegral | kSigned},  // 0F integer
    {2, kKnown | kIntegral | kSigned},  // 10 long
    {1, kKnown | kIntegral},            // 11 unsigned
    {2, kKnown | kIntegral},            // 12 long-unsigned
    {0, 0},                             // 13 compact-array (not used by meters)
    {8, kKnown | kIntegral | kSigned},  // 14 long64
    {8, kKnown | kIntegral},            // 15 long64-unsigned
    {1, kKnown | kIntegral},            // 16 enum
    {4, kKnown},                        // 17 float32
    {8, kKnown},                        // 18 float64
    {12, kKnown},                       // 19 date-time
    {5, kKnown},                        // 1A date
    {4, kKnown},                        // 1B time
};

}  // namespace

// The inline mask of is_integer() and the table agree.
constexpr bool integer_mask_matches_table() {
  for (unsigned tag = 0; tag < 32; ++tag) {
    bool in_table = tag < sizeof kTypes / sizeof kTypes[0] && (kTypes[tag].flags & kIntegral) != 0;
    if (in_table != ((0x778068u >> tag & 1u) != 0)) return false;
  }
  return true;
}
static_assert(integer_mask_matches_table(), "AxdrToken::is_integer() mask");

Result<AxdrToken> AxdrReader::read_at(size_t& pos) const {
  const size_t size = data_.size();
  if (pos >= size) return Error::kApduTruncated;
  const uint8_t* d = data_.data();
  uint8_t tag = d[pos];
  if (tag >= sizeof kTypes / sizeof kTypes[0] || kTypes[tag].flags == 0) return Error::kAxdrUnknownType;
  const TypeInfo info = kTypes[tag];
  AxdrToken token;
  token.type = static_cast<AxdrType>(tag);
  size_t p = pos + 1;
  if (info.flags & kVariable) {
    uint32_t length;
    if (p < size && d[p] < 0x80) {
      length = d[p++];
    } else {
      size_t used = read_axdr_length(data_.subspan(p), length);
      if (used == 0) return Error::kApduTruncated;
      p += used;
    }
    token.count = length;
    if (info.flags & kContainer) {
      pos = p;
      return token;
    }
    // Bits rounded up to bytes without `length + 7`, which wraps on 32 bits.
    size_t bytes = token.type == AxdrType::kBitString ? length / 8 + (length % 8 != 0 ? 1 : 0) : length;
    if (size - p < bytes) return Error::kApduTruncated;
    token.bytes = ByteSpan(d + p, bytes);
    pos = p + bytes;
    return token;
  }
  if (size - p < info.size) return Error::kApduTruncated;
  token.bytes = ByteSpan(d + p, info.size);
  if (info.flags & kIntegral) {
    uint64_t raw = 0;
    for (size_t i = 0; i < info.size; ++i) raw = raw << 8 | d[p + i];
    if ((info.flags & kSigned) && (d[p] & 0x80)) {
      // Two's complement of an info.size-byte number, as magnitude.
      uint64_t mask = info.size == 8 ? ~0ULL : ((1ULL << (8 * info.size)) - 1);
      token.magnitude = ((~raw) & mask) + 1;
      token.negative = true;
    } else {
      token.magnitude = raw;
    }
  }
  pos = p + info.size;
  return token;
}

bool AxdrReader::read_scaler_unit(int8_t& scaler, uint8_t& unit) {
  // structure(2) { integer scaler, enum unit } is always these 6 bytes.
  if (pos_ > data_.size() || data_.size() - pos_ < 6) return false;
  const uint8_t* d = data_.data() + pos_;
  if (d[0] != 0x02 || d[1] != 0x02 || d[2] != 0x0F || d[4] != 0x16) return false;
  scaler = static_cast<int8_t>(d[3]);
  unit = d[5];
  pos_ += 6;
  return true;
}

Result<AxdrToken> AxdrReader::next() { return read_at(pos_); }

Result<AxdrToken> AxdrReader::peek() const {
  size_t pos = pos_;
  return read_at(pos);
}

Error AxdrReader::skip() {
  uint32_t pending[kMaxAxdrDepth + 1];
  size_t depth = 0;
  pending[0] = 1;
  while (true) {
    while (depth > 0 && pending[depth] == 0) --depth;
    if (pending[depth] == 0) return Error::kNone;
    auto token = next();
    if (!token) return token.error();
    --pending[depth];
    if (token->is_container() && token->count > 0) {
      if (depth == kMaxAxdrDepth) return Error::kAxdrTooDeep;
      pending[++depth] = token->count;
    }
  }
}

Error validate_axdr_value(ByteSpan data) {
  AxdrReader reader(data);
  Error error = reader.skip();
  if (error != Error::kNone) return error;
  return reader.at_end() ? Error::kNone : Error::kAxdrTrailingBytes;
}

}  // namespace p1

#include "p1/axdr.h"

#include "p1/cipher_apdu.h"

namespace p1 {

bool AxdrToken::is_integer() const {
  switch (type) {
    case AxdrType::kBoolean:
    case AxdrType::kDoubleLong:
    case AxdrType::kDoubleLongUnsigned:
    case AxdrType::kInteger:
    case AxdrType::kLong:
    case AxdrType::kUnsigned:
    case AxdrType::kLongUnsigned:
    case AxdrType::kLong64:
    case AxdrType::kLong64Unsigned:
    case AxdrType::kEnum:
      return true;
    default:
      return false;
  }
}

int64_t AxdrToken::as_int() const {
  if (negative) return magnitude > static_cast<uint64_t>(INT64_MAX) ? INT64_MIN : -static_cast<int64_t>(magnitude);
  return magnitude > static_cast<uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(magnitude);
}

namespace {

// Fixed content size per type, 0 for variable-length types, -1 for unknown.
int fixed_size(uint8_t tag) {
  switch (static_cast<AxdrType>(tag)) {
    case AxdrType::kNull: return 0;
    case AxdrType::kBoolean:
    case AxdrType::kInteger:
    case AxdrType::kUnsigned:
    case AxdrType::kEnum: return 1;
    case AxdrType::kLong:
    case AxdrType::kLongUnsigned: return 2;
    case AxdrType::kDoubleLong:
    case AxdrType::kDoubleLongUnsigned:
    case AxdrType::kFloat32:
    case AxdrType::kTime: return 4;
    case AxdrType::kDate: return 5;
    case AxdrType::kLong64:
    case AxdrType::kLong64Unsigned:
    case AxdrType::kFloat64: return 8;
    case AxdrType::kDateTime: return 12;
    case AxdrType::kArray:
    case AxdrType::kStructure:
    case AxdrType::kBitString:
    case AxdrType::kOctetString:
    case AxdrType::kVisibleString:
    case AxdrType::kUtf8String:
    case AxdrType::kBcd: return 0;
  }
  return -1;
}

bool is_signed(AxdrType type) {
  return type == AxdrType::kInteger || type == AxdrType::kLong || type == AxdrType::kDoubleLong ||
         type == AxdrType::kLong64;
}

}  // namespace

Result<AxdrToken> AxdrReader::read_at(size_t& pos) const {
  if (pos >= data_.size()) return Error::kApduTruncated;
  uint8_t tag = data_[pos];
  int size = fixed_size(tag);
  if (size < 0) return Error::kAxdrUnknownType;
  AxdrToken token;
  token.type = static_cast<AxdrType>(tag);
  size_t p = pos + 1;
  ByteSpan rest = data_.subspan(p);
  if (size == 0 && token.type != AxdrType::kNull) {
    uint32_t length = 0;
    size_t used = read_axdr_length(rest, length);
    if (used == 0) return Error::kApduTruncated;
    p += used;
    token.count = length;
    if (token.is_container()) {
      pos = p;
      return token;
    }
    size_t bytes = token.type == AxdrType::kBitString ? (length + 7) / 8 : length;
    if (data_.size() - p < bytes) return Error::kApduTruncated;
    token.bytes = data_.subspan(p, bytes);
    pos = p + bytes;
    return token;
  }
  if (data_.size() - p < static_cast<size_t>(size)) return Error::kApduTruncated;
  token.bytes = data_.subspan(p, static_cast<size_t>(size));
  if (token.is_integer()) {
    uint64_t raw = 0;
    for (int i = 0; i < size; ++i) raw = raw << 8 | data_[p + static_cast<size_t>(i)];
    if (is_signed(token.type) && (data_[p] & 0x80)) {
      // Two's complement of a size-byte number, as magnitude.
      uint64_t mask = size == 8 ? ~0ULL : ((1ULL << (8 * size)) - 1);
      token.magnitude = ((~raw) & mask) + 1;
      token.negative = true;
    } else {
      token.magnitude = raw;
    }
  }
  pos = p + static_cast<size_t>(size);
  return token;
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

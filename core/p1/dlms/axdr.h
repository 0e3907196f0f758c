// A-XDR (IEC 62056-6-2) reader: a cursor that yields one token per value in
// pre-order. Containers yield their header (type and element count); their
// elements follow as further tokens. Nothing is copied: strings are spans into
// the APDU.
#pragma once
#include <cstdint>

#include "p1/base/capacities.h"
#include "p1/base/result.h"
#include "p1/base/span.h"

namespace p1 {

enum class AxdrType : uint8_t {
  kNull = 0x00,
  kArray = 0x01,
  kStructure = 0x02,
  kBoolean = 0x03,
  kBitString = 0x04,
  kDoubleLong = 0x05,
  kDoubleLongUnsigned = 0x06,
  kOctetString = 0x09,
  kVisibleString = 0x0A,
  kUtf8String = 0x0C,
  kBcd = 0x0D,
  kInteger = 0x0F,
  kLong = 0x10,
  kUnsigned = 0x11,
  kLongUnsigned = 0x12,
  kLong64 = 0x14,
  kLong64Unsigned = 0x15,
  kEnum = 0x16,
  kFloat32 = 0x17,
  kFloat64 = 0x18,
  kDateTime = 0x19,
  kDate = 0x1A,
  kTime = 0x1B,
};

struct AxdrToken {
  AxdrType type = AxdrType::kNull;
  uint32_t count = 0;      // containers: elements; strings: bytes; bit-string: bits
  ByteSpan bytes;          // strings, date/time, floats: the raw content
  uint64_t magnitude = 0;  // integer types: absolute value
  bool negative = false;

  bool is_container() const { return type == AxdrType::kArray || type == AxdrType::kStructure; }
  // boolean, double-long(-unsigned), integer, long, unsigned, long-unsigned,
  // long64(-unsigned), enum: a mask, inline, as it is asked for every value.
  bool is_integer() const {
    auto tag = static_cast<uint8_t>(type);
    return tag < 32 && (0x778068u >> tag & 1u) != 0;
  }
  bool is_string() const {
    return type == AxdrType::kOctetString || type == AxdrType::kVisibleString || type == AxdrType::kUtf8String;
  }
  bool is_octets(size_t n) const { return type == AxdrType::kOctetString && bytes.size() == n; }
  // Integer value as signed (saturating for long64-unsigned above INT64_MAX).
  int64_t as_int() const;
};

class AxdrReader {
 public:
  explicit AxdrReader(ByteSpan data) : data_(data) {}
  // Next token; advances past it (for containers only past the header).
  Result<AxdrToken> next();
  // Next token without advancing.
  Result<AxdrToken> peek() const;
  // Consumes a {integer scaler, enum unit} structure if one comes next.
  bool read_scaler_unit(int8_t& scaler, uint8_t& unit);
  // Skips one whole value including all elements of a container.
  Error skip();
  size_t position() const { return pos_; }
  bool at_end() const { return pos_ >= data_.size(); }
  ByteSpan rest() const { return data_.subspan(pos_); }

 private:
  Result<AxdrToken> read_at(size_t& pos) const;
  ByteSpan data_;
  size_t pos_ = 0;
};

// Checks that `data` holds exactly one well-formed A-XDR value (the body of a
// notification) and nothing else, with nesting no deeper than kMaxAxdrDepth.
Error validate_axdr_value(ByteSpan data);

}  // namespace p1

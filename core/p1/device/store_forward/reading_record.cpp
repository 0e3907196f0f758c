#include "p1/device/store_forward/reading_record.h"

#include <cstring>

#include "p1/cosem/layouts/body_layout.h"
#include "p1/cosem/layouts/dsmr_text.h"
#include "p1/mbus/mbus_records.h"

namespace p1 {

namespace {

enum Flags : uint8_t { kHasHeaderTime = 1, kTagChecked = 2, kHasPlaintext = 4 };
enum Head : uint8_t { kKindMask = 3, kNegative = 4, kShortObis = 8 };

// The codes nearly every Austrian meter sends, one byte each in a record.
const Obis kKnown[] = {
    obis::kClock,         obis::kMeterNumber,   obis::kDeviceName,   obis::kEnergyImport,
    obis::kEnergyExport,  obis::kPowerImport,   obis::kPowerExport,  obis::kVoltageL1,
    obis::kVoltageL2,     obis::kVoltageL3,     obis::kCurrentL1,    obis::kCurrentL2,
    obis::kCurrentL3,     obis::kPowerFactor,   obis::kReactiveEnergyImport, obis::kReactiveEnergyExport,
    obis::kReactivePowerImport, obis::kReactivePowerExport,
};
constexpr size_t kKnownCount = sizeof kKnown / sizeof kKnown[0];

class Writer {
 public:
  explicit Writer(MutableByteSpan out) : out_(out) {}
  void byte(uint8_t b) {
    if (n_ < out_.size()) {
      out_[n_++] = b;
    } else {
      overflow_ = true;
    }
  }
  void bytes(const uint8_t* p, size_t n) {
    if (out_.size() - n_ < n) {
      overflow_ = true;
      return;
    }
    std::memcpy(out_.data() + n_, p, n);
    n_ += n;
  }
  void varint(uint64_t v) {
    do {
      uint8_t b = static_cast<uint8_t>(v & 0x7F);
      v >>= 7;
      byte(static_cast<uint8_t>(b | (v != 0 ? 0x80 : 0)));
    } while (v != 0);
  }
  size_t size() const { return overflow_ ? 0 : n_; }

 private:
  MutableByteSpan out_;
  size_t n_ = 0;
  bool overflow_ = false;
};

class Reader {
 public:
  explicit Reader(ByteSpan in) : in_(in) {}
  bool byte(uint8_t& b) {
    if (pos_ >= in_.size()) return false;
    b = in_[pos_++];
    return true;
  }
  bool span(size_t n, ByteSpan& out) {
    if (in_.size() - pos_ < n) return false;
    out = in_.subspan(pos_, n);
    pos_ += n;
    return true;
  }
  bool varint(uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      uint8_t b;
      if (!byte(b)) return false;
      v |= static_cast<uint64_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) return true;
    }
    return false;
  }
  bool at_end() const { return pos_ == in_.size(); }

 private:
  ByteSpan in_;
  size_t pos_ = 0;
};

void put_time(Writer& w, const DlmsDateTime& t) {
  uint8_t b[DlmsDateTime::kSize];
  t.to_bytes(b);
  w.bytes(b, sizeof b);
}

bool get_time(Reader& r, DlmsDateTime& t) {
  ByteSpan b;
  if (!r.span(DlmsDateTime::kSize, b)) return false;
  // Written from a parsed value: copied back as it was (a not-specified
  // field stays not specified), without parse()'s range checks.
  t = DlmsDateTime::from_bytes(b.data());
  return true;
}

constexpr uint8_t kMbusRecordsIndex = 0xFD;
constexpr uint8_t kDsmrIndex = 0xFE;
constexpr uint8_t kNoLayout = 0xFF;

uint8_t layout_index(const char* name) {
  if (std::strcmp(name, kDsmrLayout) == 0) return kDsmrIndex;
  if (std::strcmp(name, kMbusRecordsLayout) == 0) return kMbusRecordsIndex;
  Span<const BodyLayout> layouts = body_layouts();
  for (size_t i = 0; i < layouts.size(); ++i) {
    if (std::strcmp(layouts[i].name, name) == 0) return static_cast<uint8_t>(i);
  }
  return kNoLayout;
}

}  // namespace

size_t encode_reading(const Reading& reading, bool with_plaintext, MutableByteSpan out) {
  Writer w(out);
  uint8_t flags = static_cast<uint8_t>((reading.has_header_time ? kHasHeaderTime : 0) |
                                       (reading.tag_checked ? kTagChecked : 0) | (with_plaintext ? kHasPlaintext : 0));
  w.byte(flags);
  w.bytes(reading.system_title, sizeof reading.system_title);
  w.varint(reading.frame_counter);
  w.byte(reading.security_control);
  w.byte(layout_index(reading.layout));
  if (reading.has_header_time) put_time(w, reading.header_time);
  w.byte(static_cast<uint8_t>(reading.count));
  for (size_t i = 0; i < reading.count; ++i) {
    const ReadingValue& v = reading.values[i];
    size_t known = 0;
    while (known < kKnownCount && kKnown[known] != v.obis) ++known;
    w.byte(static_cast<uint8_t>(static_cast<uint8_t>(v.kind) | (v.negative ? kNegative : 0) |
                                (known < kKnownCount ? kShortObis : 0)));
    if (known < kKnownCount) {
      w.byte(static_cast<uint8_t>(known));
    } else {
      w.bytes(v.obis.v, 6);
    }
    switch (v.kind) {
      case ReadingValue::Kind::kNumber:
        w.byte(static_cast<uint8_t>(v.scaler));
        w.byte(v.unit);
        w.varint(v.magnitude);
        break;
      case ReadingValue::Kind::kText:
        w.varint(v.text.size());
        w.bytes(v.text.data(), v.text.size());
        break;
      case ReadingValue::Kind::kDateTime:
        put_time(w, v.time);
        break;
    }
  }
  if (with_plaintext) {
    w.varint(reading.plaintext.size());
    w.bytes(reading.plaintext.data(), reading.plaintext.size());
  }
  return w.size();
}

bool decode_reading(ByteSpan record, Reading& out) {
  out.clear();
  Reader r(record);
  uint8_t flags = 0, count = 0, layout = 0;
  uint64_t counter = 0;
  ByteSpan title;
  if (!r.byte(flags) || !r.span(sizeof out.system_title, title) || !r.varint(counter) || counter > UINT32_MAX ||
      !r.byte(out.security_control) || !r.byte(layout)) {
    return false;
  }
  std::memcpy(out.system_title, title.data(), sizeof out.system_title);
  out.frame_counter = static_cast<uint32_t>(counter);
  out.tag_checked = (flags & kTagChecked) != 0;
  Span<const BodyLayout> layouts = body_layouts();
  out.layout = layout < layouts.size()          ? layouts[layout].name
               : layout == kDsmrIndex         ? kDsmrLayout
               : layout == kMbusRecordsIndex  ? kMbusRecordsLayout
                                              : "";
  out.has_header_time = (flags & kHasHeaderTime) != 0;
  if (out.has_header_time && !get_time(r, out.header_time)) return false;
  if (!r.byte(count) || count > kMaxValues) return false;
  for (uint8_t i = 0; i < count; ++i) {
    ReadingValue v;
    uint8_t head = 0;
    if (!r.byte(head)) return false;
    uint8_t kind = head & kKindMask;
    if (kind > static_cast<uint8_t>(ReadingValue::Kind::kDateTime)) return false;
    v.kind = static_cast<ReadingValue::Kind>(kind);
    v.negative = (head & kNegative) != 0;
    if (head & kShortObis) {
      uint8_t known = 0;
      if (!r.byte(known) || known >= kKnownCount) return false;
      v.obis = kKnown[known];
    } else {
      ByteSpan code;
      if (!r.span(6, code)) return false;
      v.obis = Obis::from_bytes(code);
    }
    uint64_t length = 0;
    switch (v.kind) {
      case ReadingValue::Kind::kNumber: {
        uint8_t scaler = 0;
        if (!r.byte(scaler) || !r.byte(v.unit) || !r.varint(v.magnitude)) return false;
        v.scaler = static_cast<int8_t>(scaler);
        break;
      }
      case ReadingValue::Kind::kText:
        if (!r.varint(length) || length > record.size() || !r.span(static_cast<size_t>(length), v.text)) return false;
        break;
      case ReadingValue::Kind::kDateTime:
        if (!get_time(r, v.time)) return false;
        break;
    }
    if (out.add(v) != Error::kNone) return false;
  }
  if (flags & kHasPlaintext) {
    uint64_t length = 0;
    if (!r.varint(length) || length > record.size() || !r.span(static_cast<size_t>(length), out.plaintext)) return false;
  }
  return r.at_end();
}

}  // namespace p1

#include "p1/output/output_format.h"

#include <cstring>

#include "p1/output/exact_decimal.h"
#include "p1/cosem/gateway_fields.h"
#include "p1/base/hex.h"
#include "p1/base/text_buffer.h"

namespace p1 {

namespace {

bool printable(ByteSpan text) {
  for (uint8_t c : text) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

void put_text(TextBuffer& out, ByteSpan text, bool json) {
  bool plain = true;  // printable and nothing to escape: copied as one block
  for (uint8_t c : text) {
    if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') {
      plain = false;
      break;
    }
  }
  if (plain) {
    out.put(reinterpret_cast<const char*>(text.data()), text.size());
    return;
  }
  if (!printable(text)) {
    char* p = out.reserve(text.size() * 2);
    if (p != nullptr) {
      write_hex(text, CharSpan(p, text.size() * 2));
      out.commit(text.size() * 2);
    }
    return;
  }
  for (uint8_t c : text) {
    if (json && (c == '"' || c == '\\')) out.put('\\');
    out.put(static_cast<char>(c));
  }
}

void put_value(TextBuffer& out, const ReadingValue& value, bool json) {
  switch (value.kind) {
    case ReadingValue::Kind::kNumber: {
      char* p = out.has_room(kDecimalMax) ? out.reserve(kDecimalMax) : nullptr;
      if (p == nullptr) {
        // Fall back to a bounded scratch so a short tail buffer still works.
        char scratch[kDecimalMax];
        size_t n = format_decimal(value.negative, value.magnitude, value.scaler, scratch);
        out.put(scratch, n);
      } else {
        out.commit(format_decimal(value.negative, value.magnitude, value.scaler, p));
      }
      return;
    }
    case ReadingValue::Kind::kText:
      if (json) out.put('"');
      put_text(out, value.text, json);
      if (json) out.put('"');
      return;
    case ReadingValue::Kind::kDateTime: {
      char iso[DlmsDateTime::kIsoMax];
      size_t n = value.time.to_iso(iso);
      if (n == 0) {
        out.put(json ? "null" : "");
        return;
      }
      if (json) out.put('"');
      out.put(iso, n);
      if (json) out.put('"');
      return;
    }
  }
}

// Writes `,"key":` (no comma for the first) in one step.
void put_key(TextBuffer& out, const char* key, size_t size, bool& first) {
  char* p = out.reserve(size + 4);
  if (p == nullptr) return;
  size_t n = 0;
  if (!first) p[n++] = ',';
  first = false;
  p[n++] = '"';
  std::memcpy(p + n, key, size);
  n += size;
  p[n++] = '"';
  p[n++] = ':';
  out.commit(n);
}
template <size_t N>
void put_key(TextBuffer& out, const char (&key)[N], bool& first) {
  put_key(out, key, N - 1, first);
}

// The gateway keys, "meternumber" and "timestamp" repeat values of the obis
// map: each value's text is formatted once, where it first appears, and
// copied from there the second time.
class FormattedOnce {
 public:
  FormattedOnce(const Reading& reading, TextBuffer& out) : reading_(reading), out_(out) {}
  void put(const ReadingValue& value) {
    size_t i = static_cast<size_t>(&value - reading_.values);
    if (done_ >> i & 1) {
      out_.put(out_.data() + at_[i], size_[i]);
      return;
    }
    size_t at = out_.size();
    put_value(out_, value, true);
    remember(i, at);
  }
  // The value's text was just written from `at` on by the caller.
  void remember(size_t i, size_t at) {
    if (out_.overflow()) return;
    at_[i] = static_cast<uint32_t>(at);
    size_[i] = static_cast<uint16_t>(out_.size() - at);
    done_ |= uint64_t{1} << i;
  }

 private:
  static_assert(kMaxValues <= 64, "one bit per value");
  const Reading& reading_;
  TextBuffer& out_;
  uint64_t done_ = 0;
  uint32_t at_[kMaxValues];
  uint16_t size_[kMaxValues];
};

}  // namespace

Result<size_t> format_json(const Reading& reading, CharSpan buffer) {
  TextBuffer out(buffer);
  FormattedOnce once(reading, out);
  bool first = true;
  out.put('{');
  if (const ReadingValue* number = reading.find(obis::kMeterNumber)) {
    put_key(out, "meternumber", first);
    once.put(*number);
  }
  const ReadingValue* clock = reading.clock();
  if (const DlmsDateTime* time = clock != nullptr ? &clock->time : reading.timestamp()) {
    char iso[DlmsDateTime::kIsoMax];
    size_t n = time->to_iso(iso);
    if (n > 0) {
      put_key(out, "timestamp", first);
      size_t at = out.size();
      out.put('"');
      out.put(iso, n);
      out.put('"');
      // The same text put_value() gives the clock value in the obis map.
      if (clock != nullptr) once.remember(static_cast<size_t>(clock - reading.values), at);
    }
  }
  GatewayValues by_field(reading);
  auto fields = gateway_fields();
  for (size_t i = 0; i < kGatewayFieldCount; ++i) {
    if (by_field.field[i] == nullptr) continue;
    put_key(out, fields[i].name, fields[i].name_size, first);
    once.put(*by_field.field[i]);
  }
  if (reading.security_control & 0x10) {
    put_key(out, "tag_checked", first);
    out.put(reading.tag_checked ? "true" : "false");
  }
  put_key(out, "obis", first);
  out.put('{');
  for (size_t i = 0; i < reading.count; ++i) {
    const ReadingValue& value = reading.values[i];
    char* p = out.reserve(Obis::kDottedMax + 4);
    if (p == nullptr) break;
    size_t n = 0;
    if (i > 0) p[n++] = ',';
    p[n++] = '"';
    n += value.obis.to_dotted(p + n);
    p[n++] = '"';
    p[n++] = ':';
    out.commit(n);
    once.put(value);
  }
  out.put("}}", 2);
  if (out.overflow()) return Error::kOutputTooSmall;
  return out.size();
}

Result<size_t> format_raw_hex(const Reading& reading, CharSpan out) {
  if (!write_hex(reading.plaintext, out)) return Error::kOutputTooSmall;
  return reading.plaintext.size() * 2;
}

Result<size_t> format_value_text(const ReadingValue& value, CharSpan buffer) {
  TextBuffer out(buffer);
  put_value(out, value, false);
  if (out.overflow()) return Error::kOutputTooSmall;
  return out.size();
}

bool TopicValues::next(const char*& field, CharSpan value_out, size_t& value_len) {
  // Index 0: meter number, 1: timestamp, 2..: gateway fields.
  auto fields = gateway_fields();
  while (index_ < 2 + fields.size()) {
    size_t i = index_++;
    TextBuffer out(value_out);
    if (i == 0) {
      const ReadingValue* number = reading_.find(obis::kMeterNumber);
      if (number == nullptr) continue;
      field = "meternumber";
      put_value(out, *number, false);
    } else if (i == 1) {
      const DlmsDateTime* time = reading_.timestamp();
      char iso[DlmsDateTime::kIsoMax];
      size_t n = time != nullptr ? time->to_iso(iso) : 0;
      if (n == 0) continue;
      field = "timestamp";
      out.put(iso, n);
    } else {
      const ReadingValue* value = fields_.field[i - 2];
      if (value == nullptr) continue;
      field = fields[i - 2].name;
      put_value(out, *value, false);
    }
    if (out.overflow()) {
      overflow_ = true;
      return false;
    }
    value_len = out.size();
    return true;
  }
  return false;
}

}  // namespace p1

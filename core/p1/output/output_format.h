// The three output forms of the original gateway, written into caller-provided
// buffers (no allocation): JSON, one value per topic, and raw (hex of the
// decrypted APDU).
#pragma once
#include "p1/cosem/gateway_fields.h"
#include "p1/cosem/reading.h"
#include "p1/base/result.h"

namespace p1 {

// {"meternumber":..,"timestamp":..,"w_p":..,..,"obis":{"1.0.1.8.0.255":..}}
// No trailing newline. Keys appear only for values the meter sent.
Result<size_t> format_json(const Reading& reading, CharSpan out);

// Upper-case hex of the decrypted APDU.
Result<size_t> format_raw_hex(const Reading& reading, CharSpan out);

// Text of one value as published on its own topic: numbers in exact decimal,
// strings as text (hex if not printable), date-times in ISO 8601.
Result<size_t> format_value_text(const ReadingValue& value, CharSpan out);

// Iterates the per-field topic values: "meternumber", "timestamp", "w_p", ...
class TopicValues {
 public:
  explicit TopicValues(const Reading& reading) : reading_(reading), fields_(reading) {}
  // Writes the next field's value into `value_out`; sets `field` to its topic
  // suffix. Returns false when all fields were produced (or on overflow, with
  // overflow() true).
  bool next(const char*& field, CharSpan value_out, size_t& value_len);
  bool overflow() const { return overflow_; }

 private:
  const Reading& reading_;
  GatewayValues fields_;
  size_t index_ = 0;
  bool overflow_ = false;
};

}  // namespace p1

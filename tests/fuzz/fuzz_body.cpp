// libFuzzer target: the body layouts (detected, and each one forced) on
// arbitrary data-notifications, above all the push lists that describe
// themselves (capture-object lists, scaler_unit attributes anywhere, values
// flat or in one container) and the flat OBIS/value lists with a list
// identifier. Whatever the bytes: no crash, no read outside the body, at
// most kMaxValues values, every value's text fits what the JSON writer
// reserves, the same result twice, and the shape of a refused body
// described within its buffer.
//
// Input: one byte choosing the layout (0 = detect, n = the n-th layout,
// wrapping), three bytes of manufacturer id, then the plaintext APDU.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "p1/cosem/layouts/body_layout.h"
#include "p1/dlms/data_notification.h"
#include "p1/output/output_format.h"

namespace {

struct Outcome {
  p1::Error error;
  size_t count;
  size_t json;
};

Outcome run(p1::ByteSpan apdu, const uint8_t title[8], const p1::BodyLayout* layout, p1::Reading& reading,
            char* text, size_t text_size) {
  reading.clear();
  Outcome o{p1::decode_notification(apdu, title, layout, reading), reading.count, 0};
  if (reading.count > p1::kMaxValues) __builtin_trap();
  if (o.error == p1::Error::kNone) {
    auto n = p1::format_json(reading, p1::CharSpan(text, text_size));
    // 48 values of at most a few hundred characters each fit 64 KB.
    if (!n) __builtin_trap();
    o.json = *n;
  }
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4 || size > 4096) return 0;
  auto layouts = p1::body_layouts();
  const p1::BodyLayout* layout = data[0] == 0 ? nullptr : &layouts[(data[0] - 1) % layouts.size()];
  uint8_t title[8] = {data[1], data[2], data[3], 0x01, 0x02, 0x03, 0x04, 0x05};
  // A copy exactly the size of the APDU, so ASan sees any read past it.
  static uint8_t* apdu = nullptr;
  delete[] apdu;
  size_t n = size - 4;
  apdu = new uint8_t[n > 0 ? n : 1];
  std::memcpy(apdu, data + 4, n);
  static p1::Reading first;
  static p1::Reading second;
  static char text_a[65536];
  static char text_b[65536];
  Outcome a = run(p1::ByteSpan(apdu, n), title, layout, first, text_a, sizeof text_a);
  Outcome b = run(p1::ByteSpan(apdu, n), title, layout, second, text_b, sizeof text_b);
  if (a.error != b.error || a.count != b.count || a.json != b.json) __builtin_trap();
  if (a.json > 0 && std::memcmp(text_a, text_b, a.json) != 0) __builtin_trap();
  if (a.error == p1::Error::kUnknownLayout) {
    char shape[512];
    size_t s = p1::describe_body_shape(first.body, p1::CharSpan(shape, sizeof shape));
    if (s > sizeof shape) __builtin_trap();
  }
  return 0;
}

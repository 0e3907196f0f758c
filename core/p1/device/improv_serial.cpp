#include "p1/device/improv_serial.h"

#include <cstring>

namespace p1 {

namespace {
constexpr char kHeader[] = "IMPROV";
constexpr size_t kHeaderSize = 6;

uint8_t checksum(const uint8_t* data, size_t n) {
  uint8_t sum = 0;
  for (size_t i = 0; i < n; ++i) sum = static_cast<uint8_t>(sum + data[i]);
  return sum;
}

size_t packet(uint8_t type, const uint8_t* data, size_t n, MutableByteSpan out) {
  if (n > 255 || out.size() < kHeaderSize + 3 + n + 1) return 0;
  uint8_t* p = out.data();
  std::memcpy(p, kHeader, kHeaderSize);
  p[6] = improv::kVersion;
  p[7] = type;
  p[8] = static_cast<uint8_t>(n);
  if (n > 0) std::memcpy(p + 9, data, n);
  p[9 + n] = checksum(p, 9 + n);
  return 10 + n;
}

bool copy_field(const uint8_t*& p, const uint8_t* end, char* out, size_t capacity) {
  if (p >= end) return false;
  size_t n = *p++;
  if (n >= capacity || static_cast<size_t>(end - p) < n) return false;
  std::memcpy(out, p, n);
  out[n] = '\0';
  p += n;
  return true;
}
}  // namespace

ImprovParser::Event ImprovParser::feed(uint8_t byte) {
  if (length_ < kHeaderSize) {
    if (byte == static_cast<uint8_t>(kHeader[length_])) {
      buffer_[length_++] = byte;
      return Event();
    }
    // Not a packet after all: hand back the held prefix and this byte, except
    // that an 'I' may start a packet itself.
    Event e;
    for (size_t i = 0; i < length_; ++i) e.passthrough[e.passthrough_count++] = buffer_[i];
    length_ = 0;
    if (byte == static_cast<uint8_t>(kHeader[0])) {
      buffer_[length_++] = byte;
    } else {
      e.passthrough[e.passthrough_count++] = byte;
    }
    return e;
  }
  buffer_[length_++] = byte;
  if (length_ == 7 && byte != improv::kVersion) {
    length_ = 0;
    Event e;
    e.kind = Event::Kind::kInvalid;
    return e;
  }
  if (length_ < 9) return Event();
  size_t data_length = buffer_[8];
  if (length_ < 9 + data_length + 1) return Event();
  return finish();
}

ImprovParser::Event ImprovParser::finish() {
  size_t data_length = buffer_[8];
  size_t total = 9 + data_length + 1;
  length_ = 0;
  Event e;
  e.kind = Event::Kind::kInvalid;
  if (checksum(buffer_, total - 1) != buffer_[total - 1]) return e;
  if (buffer_[7] != improv::kRpc || data_length < 2) return e;
  const uint8_t* data = buffer_ + 9;
  size_t rpc_length = data[1];
  if (rpc_length + 2 != data_length) return e;
  e.command = data[0];
  if (e.command == improv::kWifiSettings) {
    const uint8_t* p = data + 2;
    const uint8_t* end = p + rpc_length;
    if (!copy_field(p, end, e.ssid, sizeof e.ssid) || !copy_field(p, end, e.password, sizeof e.password) || p != end) {
      return e;
    }
  }
  e.kind = Event::Kind::kCommand;
  return e;
}

size_t build_improv_state(uint8_t state, MutableByteSpan out) { return packet(improv::kCurrentState, &state, 1, out); }

size_t build_improv_error(uint8_t error, MutableByteSpan out) { return packet(improv::kErrorState, &error, 1, out); }

size_t build_improv_rpc_result(uint8_t command, Span<const char* const> strings, MutableByteSpan out) {
  uint8_t data[255];
  size_t n = 2;
  data[0] = command;
  for (const char* s : strings) {
    size_t len = std::strlen(s);
    if (len > 255 || n + 1 + len > sizeof data) return 0;
    data[n++] = static_cast<uint8_t>(len);
    std::memcpy(data + n, s, len);
    n += len;
  }
  data[1] = static_cast<uint8_t>(n - 2);
  return packet(improv::kRpcResult, data, n, out);
}

}  // namespace p1

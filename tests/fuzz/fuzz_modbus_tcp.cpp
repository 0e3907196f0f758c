// libFuzzer target: the device's Modbus TCP server (p1/output/modbus_tcp.h)
// fed one connection's arbitrary bytes in arbitrary chunking. The first byte
// picks the server's unit id and the chunk sizes' seed; the rest is the
// stream. Whatever arrives: an answer fits kModbusTcpMaxAdu and its MBAP
// header matches its size and the request, the framer never holds more than
// one ADU's bytes, every byte is consumed exactly once, and the same stream
// at once and in pieces gives the same answers.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "p1/output/modbus_tcp.h"
#include "p1/output/sunspec_meter.h"

namespace {

struct Outcome {
  uint32_t answers = 0;
  uint32_t hash = 2166136261u;  // FNV-1a of every answer's bytes
  p1::ModbusTcpError error = p1::ModbusTcpError::kNone;
};

void check_answer(const p1::ModbusTcpRequest& request, const p1::ModbusTcpAnswer& a, const uint8_t* out,
                  uint8_t unit_id) {
  if (a.length < 9 || a.length > p1::kModbusTcpMaxAdu) __builtin_trap();
  if (static_cast<size_t>(out[4] << 8 | out[5]) != a.length - 6) __builtin_trap();
  if (out[0] != (request.transaction >> 8) || out[1] != (request.transaction & 0xFF)) __builtin_trap();
  if (out[2] != 0 || out[3] != 0 || out[6] != request.unit) __builtin_trap();
  if (a.exception != 0) {
    if (a.length != 9 || out[7] != (request.function | 0x80) || out[8] != a.exception) __builtin_trap();
    if (request.unit != unit_id && a.exception != p1::modbus::kGatewayTargetFailed) __builtin_trap();
  } else {
    if (request.unit != unit_id || out[7] != request.function || (out[7] != 3 && out[7] != 4)) __builtin_trap();
    if (out[8] != a.length - 9 || out[8] == 0 || out[8] > 250 || (out[8] & 1)) __builtin_trap();
  }
}

Outcome serve(const uint8_t* data, size_t size, const uint16_t* image, uint8_t unit_id, uint32_t seed) {
  Outcome o;
  p1::ModbusTcpFramer framer;
  size_t at = 0;
  while (at < size) {
    size_t chunk = size - at;
    if (seed != 0) {
      seed = seed * 1103515245u + 12345u;
      size_t n = 1 + (seed >> 16) % 17;
      if (n < chunk) chunk = n;
    }
    p1::ByteSpan bytes(data + at, chunk);
    at += chunk;
    while (!bytes.empty()) {
      uint16_t before = framer.pending();
      p1::ModbusTcpRequest request;
      p1::ModbusTcpFeed fed = framer.feed(bytes, request);
      if (fed.consumed > bytes.size()) __builtin_trap();
      // Bounded state: never more than one ADU's bytes in a request.
      if (framer.pending() >= p1::kModbusTcpMaxAdu) __builtin_trap();
      if (!fed.complete && fed.error == p1::ModbusTcpError::kNone &&
          (fed.consumed != bytes.size() || framer.pending() != before + bytes.size())) {
        __builtin_trap();
      }
      bytes = bytes.subspan(fed.consumed);
      if (fed.error != p1::ModbusTcpError::kNone) {
        o.error = fed.error;
        // Refused for good: nothing more is consumed until reset().
        p1::ModbusTcpFeed again = framer.feed(p1::ByteSpan(data, size), request);
        if (again.consumed != 0 || again.error != fed.error || again.complete) __builtin_trap();
        return o;
      }
      if (!fed.complete) continue;
      if (framer.pending() != 0 || request.data_length > p1::kModbusTcpKeptData) __builtin_trap();
      uint8_t out[p1::kModbusTcpMaxAdu + 8];
      std::memset(out, 0xEE, sizeof out);
      p1::ModbusTcpAnswer a =
          p1::modbus_tcp_answer(request, p1::Span<const uint16_t>(image, p1::kSunSpecRegisterCount),
                                p1::kSunSpecBaseRegister, unit_id, p1::MutableByteSpan(out, p1::kModbusTcpMaxAdu));
      for (size_t i = p1::kModbusTcpMaxAdu; i < sizeof out; ++i) {
        if (out[i] != 0xEE) __builtin_trap();
      }
      check_answer(request, a, out, unit_id);
      ++o.answers;
      for (size_t i = 0; i < a.length; ++i) o.hash = (o.hash ^ out[i]) * 16777619u;
    }
  }
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static uint16_t image[p1::kSunSpecRegisterCount];
  static bool built = false;
  if (!built) {
    p1::GridValues values;
    values.net_power = {true, -1234.5};
    values.voltage[0] = {true, 230.1};
    values.current[0] = {true, 1.5};
    p1::SunSpecIdentity id;
    id.serial = "181220000009";
    built = p1::build_sunspec_meter(values, id, p1::Span<uint16_t>(image));
    if (!built) __builtin_trap();
  }
  if (size < 1) return 0;
  uint8_t unit_id = (data[0] & 0x80) ? data[0] : 1;
  uint32_t seed = data[0] & 0x7F;
  Outcome whole = serve(data + 1, size - 1, image, unit_id, 0);
  Outcome pieces = serve(data + 1, size - 1, image, unit_id, seed | 1);
  if (whole.answers != pieces.answers || whole.hash != pieces.hash || whole.error != pieces.error) __builtin_trap();
  return 0;
}

// libFuzzer target: the Improv Wi-Fi serial parser fed arbitrary bytes, and
// its packet builders with arbitrary strings. Every byte fed either belongs
// to a packet or comes back as passthrough, in order (a typed word reaches
// the wizard whole); commands carry NUL-terminated SSID and password; every
// RPC result the builders make parses back to its command.
//
// Input: a byte choosing what to test, then the bytes.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "p1/device/improv_serial.h"

namespace {

void check_event(const p1::ImprovParser::Event& e) {
  if (e.passthrough_count > sizeof e.passthrough) __builtin_trap();
  if (strnlen(e.ssid, sizeof e.ssid) == sizeof e.ssid) __builtin_trap();
  if (strnlen(e.password, sizeof e.password) == sizeof e.password) __builtin_trap();
  if (e.kind != p1::ImprovParser::Event::Kind::kNone && e.passthrough_count != 0) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  uint8_t mode = data[0];
  const uint8_t* bytes = data + 1;
  size_t n = size - 1;

  // 1. The parser: passthrough bytes are exactly the input bytes that are not
  //    part of a (valid or invalid) packet, in order, so they are a
  //    subsequence of the input.
  {
    p1::ImprovParser parser;
    size_t matched = 0;  // input bytes matched by passthrough so far
    size_t scan = 0;
    for (size_t i = 0; i < n; ++i) {
      p1::ImprovParser::Event e = parser.feed(bytes[i]);
      check_event(e);
      for (uint8_t k = 0; k < e.passthrough_count; ++k) {
        // Each passthrough byte is an input byte at or before i, after the last one.
        while (scan <= i && bytes[scan] != e.passthrough[k]) ++scan;
        if (scan > i) __builtin_trap();
        ++scan;
        ++matched;
      }
    }
    if (matched > n) __builtin_trap();
  }

  // 2. Builders: an RPC result with strings from the input parses as a packet
  //    of the right type and length; wifi settings RPC packets round-trip.
  if (mode & 1) {
    char strings[4][256];
    const char* list[4];
    size_t count = (mode >> 1) % 5;
    size_t pos = 0;
    for (size_t s = 0; s < count; ++s) {
      size_t len = pos < n ? bytes[pos++] % 200 : 0;
      size_t k = 0;
      while (k < len && pos < n) {
        char c = static_cast<char>(bytes[pos++]);
        if (c != '\0') strings[s][k++] = c;
      }
      strings[s][k] = '\0';
      list[s] = strings[s];
    }
    uint8_t out[300];
    size_t length = p1::build_improv_rpc_result(p1::improv::kWifiSettings, p1::Span<const char* const>(list, count),
                                                p1::MutableByteSpan(out, sizeof out));
    if (length > sizeof out) __builtin_trap();
    if (length != 0) {
      if (std::memcmp(out, "IMPROV", 6) != 0 || out[6] != 1 || out[7] != p1::improv::kRpcResult) __builtin_trap();
      if (static_cast<size_t>(out[8]) + 10 != length) __builtin_trap();
      uint8_t sum = 0;
      for (size_t i = 0; i + 1 < length; ++i) sum = static_cast<uint8_t>(sum + out[i]);
      if (sum != out[length - 1]) __builtin_trap();
    }
    uint8_t small[12];
    if (p1::build_improv_state(mode, p1::MutableByteSpan(small, sizeof small)) != 11) __builtin_trap();
    if (p1::build_improv_error(mode, p1::MutableByteSpan(small, 10)) != 0) __builtin_trap();

    // A wifi-settings RPC made from the first two strings parses back.
    if (count >= 2) {
      size_t ssid = std::strlen(list[0]), password = std::strlen(list[1]);
      uint8_t packet[9 + 2 + 2 + 255 + 1];
      size_t data_length = 2 + 1 + ssid + 1 + password;
      if (ssid <= 32 && password <= 64 && data_length <= 255) {
        std::memcpy(packet, "IMPROV", 6);
        packet[6] = 1;
        packet[7] = p1::improv::kRpc;
        packet[8] = static_cast<uint8_t>(data_length);
        packet[9] = p1::improv::kWifiSettings;
        packet[10] = static_cast<uint8_t>(data_length - 2);
        packet[11] = static_cast<uint8_t>(ssid);
        std::memcpy(packet + 12, list[0], ssid);
        packet[12 + ssid] = static_cast<uint8_t>(password);
        std::memcpy(packet + 13 + ssid, list[1], password);
        size_t total = 9 + data_length + 1;
        uint8_t sum = 0;
        for (size_t i = 0; i + 1 < total; ++i) sum = static_cast<uint8_t>(sum + packet[i]);
        packet[total - 1] = sum;
        p1::ImprovParser parser;
        p1::ImprovParser::Event e;
        for (size_t i = 0; i < total; ++i) {
          e = parser.feed(packet[i]);
          check_event(e);
          if (i + 1 < total && e.kind != p1::ImprovParser::Event::Kind::kNone) __builtin_trap();
        }
        if (e.kind != p1::ImprovParser::Event::Kind::kCommand || e.command != p1::improv::kWifiSettings) __builtin_trap();
        if (std::strcmp(e.ssid, list[0]) != 0 || std::strcmp(e.password, list[1]) != 0) __builtin_trap();
      }
    }
  }
  return 0;
}

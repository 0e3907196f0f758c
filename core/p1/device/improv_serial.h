// Improv Wi-Fi over serial (https://www.improv-wifi.com/serial/): lets a
// browser-based installer hand WiFi credentials to the device over USB.
// Packet: "IMPROV" | version 1 | type | length | data | checksum (sum of all
// preceding bytes). Types: 0x01 current state, 0x02 error state, 0x03 RPC
// command, 0x04 RPC result. RPC data: command | length | fields, each a
// length-prefixed string. Parser and builders are host-tested; the firmware
// only moves bytes.
#pragma once
#include <cstdint>

#include "p1/base/span.h"

namespace p1 {

namespace improv {
constexpr uint8_t kVersion = 1;
enum Type : uint8_t { kCurrentState = 0x01, kErrorState = 0x02, kRpc = 0x03, kRpcResult = 0x04 };
enum State : uint8_t { kAuthorized = 0x02, kProvisioning = 0x03, kProvisioned = 0x04 };
enum ErrorCode : uint8_t { kNoError = 0x00, kInvalidRpc = 0x01, kUnknownRpc = 0x02, kUnableToConnect = 0x03,
                           kUnknownError = 0xFF };
enum Command : uint8_t { kWifiSettings = 0x01, kGetCurrentState = 0x02, kGetDeviceInfo = 0x03,
                         kGetWifiNetworks = 0x04 };
}  // namespace improv

class ImprovParser {
 public:
  struct Event {
    enum class Kind : uint8_t { kNone, kCommand, kInvalid };
    Kind kind = Kind::kNone;
    uint8_t command = 0;
    char ssid[33] = {};
    char password[65] = {};
    // Bytes that turned out not to be an Improv packet, in order, for the
    // setup wizard (a typed "Innsbruck" must reach it whole).
    uint8_t passthrough[7] = {};
    uint8_t passthrough_count = 0;
  };
  Event feed(uint8_t byte);

 private:
  Event finish();
  uint8_t buffer_[9 + 255 + 1];
  size_t length_ = 0;
};

// Builders write a complete packet into `out`; they return its length, or 0
// if `out` is too small.
size_t build_improv_state(uint8_t state, MutableByteSpan out);
size_t build_improv_error(uint8_t error, MutableByteSpan out);
// RPC result: the command answered and up to 4 strings (device info: firmware
// name, version, hardware, device name; WiFi settings: the device's URL).
size_t build_improv_rpc_result(uint8_t command, Span<const char* const> strings, MutableByteSpan out);

}  // namespace p1

// A Modbus TCP server reduced to what a SunSpec meter needs: the framing of
// one TCP stream into requests, and the answer to each from a register image
// (the one build_sunspec_meter fills), so the device serves the same
// "Fronius Smart Meter (TCP)" as the Linux program, byte for byte where both
// frame a request the same way (daemon/sunspec_server.cpp, libmodbus 3.1.6).
//
// Hand-written because no Modbus TCP server library fits the ESP8266 with
// our constraints: the maintained ones (e.g. emelianov/modbus-esp8266) keep a
// heap-allocated entry with callbacks per register and a buffer per request;
// here a connection is ~16 bytes of framer state, the answer is written
// straight from the image the core already builds, and a write is refused
// without ever holding its data.
//
// What a server does:
//   ModbusTcpFramer framer;  // one per connection
//   on bytes:  while (!bytes.empty()) {
//                ModbusTcpRequest request;
//                ModbusTcpFeed fed = framer.feed(bytes, request);
//                bytes = bytes.subspan(fed.consumed);
//                if (fed.error != ModbusTcpError::kNone) { close; break; }
//                if (fed.complete) send(out, modbus_tcp_answer(request, image, base, unit, out).length);
//              }
//
// Where it differs from libmodbus 3.1.6, on purpose: libmodbus finds a
// request's end from its function code and never reads the MBAP protocol id
// or length, so it answers a header with protocol id 1 or length 0 like any
// other, and after a request whose length disagrees with its function (a
// function 0x2B with data, a read cut short) it reads the rest of the stream
// out of step. This framer goes by the MBAP length, as the specification
// says, skips what it does not keep, and refuses a header it cannot trust
// (protocol id other than 0, length outside 2..254, a read too short to hold
// address and quantity): after one there is no telling where the next
// request starts, so the connection is closed. Every well-formed request is
// answered as libmodbus answers it (tests/integration/modbus_tcp_core_test.cpp
// compares the bytes).
#pragma once
#include <cstddef>
#include <cstdint>

#include "p1/base/flash_text.h"
#include "p1/base/span.h"

namespace p1 {

// MBAP header (7) + PDU (at most 253): the largest frame either side sends.
constexpr size_t kModbusTcpMaxAdu = 260;
constexpr size_t kModbusTcpHeaderLength = 7;  // transaction, protocol, length, unit
// The MBAP length counts the unit id and the PDU: at least a function code,
// at most what fits kModbusTcpMaxAdu.
constexpr uint16_t kModbusTcpMinLength = 2;
constexpr uint16_t kModbusTcpMaxLength = 254;
// A read request's data: starting address and quantity, 2 bytes each.
constexpr size_t kModbusTcpKeptData = 4;
// The most registers one read may ask for (2 x 125 bytes fit a PDU).
constexpr uint16_t kModbusMaxReadRegisters = 125;

namespace modbus {
constexpr uint8_t kReadHoldingRegisters = 0x03;
constexpr uint8_t kReadInputRegisters = 0x04;
constexpr uint8_t kIllegalFunction = 0x01;
constexpr uint8_t kIllegalDataAddress = 0x02;
constexpr uint8_t kIllegalDataValue = 0x03;
// Not this meter's unit id: what a gateway answers for a device it cannot
// reach (libmodbus's MODBUS_EXCEPTION_GATEWAY_TARGET, as the Linux server).
constexpr uint8_t kGatewayTargetFailed = 0x0B;
}  // namespace modbus

// Why a connection's stream cannot be framed any further. After any of them
// the connection is closed: the bytes that follow have no known boundary.
enum class ModbusTcpError : uint8_t {
  kNone,
  kProtocolId,    // MBAP protocol id not 0: not Modbus
  kBadLength,     // MBAP length outside 2..254
  kShortRequest,  // a read (function 3 or 4) with fewer than 4 data bytes
};
FlashText describe_text(ModbusTcpError error);
#if !defined(P1_FLASH_STRINGS)
const char* describe(ModbusTcpError error);
#endif

// One request as far as the answer needs it.
struct ModbusTcpRequest {
  uint16_t transaction = 0;
  uint8_t unit = 0;
  uint8_t function = 0;
  uint8_t data[kModbusTcpKeptData] = {};  // the first data bytes after the function code
  uint8_t data_length = 0;                // how many of them the request had (the rest was skipped)
};

struct ModbusTcpFeed {
  size_t consumed = 0;    // bytes of the input used; the rest belongs to the next request
  bool complete = false;  // a whole request was read into the caller's ModbusTcpRequest
  ModbusTcpError error = ModbusTcpError::kNone;
};

// The framer of one TCP connection: bytes in any chunking (one at a time,
// several requests in one segment); returns at the end of each request so
// the caller answers it before feeding the rest. Once it has returned an
// error it returns it again (consuming nothing) until reset().
class ModbusTcpFramer {
 public:
  ModbusTcpFeed feed(ByteSpan bytes, ModbusTcpRequest& request);
  void reset() { *this = ModbusTcpFramer(); }
  // Bytes of the current request seen so far (0 between requests): the
  // caller's clue for a client that stopped in the middle of one.
  uint16_t pending() const { return received_; }

 private:
  ModbusTcpRequest current_;
  uint16_t received_ = 0;  // bytes of this ADU so far
  uint16_t length_ = 0;    // its MBAP length, once bytes 4 and 5 are in
  ModbusTcpError error_ = ModbusTcpError::kNone;
};

struct ModbusTcpAnswer {
  size_t length = 0;      // bytes of the response ADU in `out`; 0 if `out` was too small
  uint8_t exception = 0;  // 0 for registers, else the exception code sent
};

// The response ADU to `request`: registers `image[0..]` are addresses
// `image_base` onwards, served alike for function 3 and 4; `unit_id` is the
// server's. An `out` of kModbusTcpMaxAdu bytes always suffices.
ModbusTcpAnswer modbus_tcp_answer(const ModbusTcpRequest& request, Span<const uint16_t> image, uint16_t image_base,
                                  uint8_t unit_id, MutableByteSpan out);

}  // namespace p1

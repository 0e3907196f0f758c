#include "p1/output/modbus_tcp.h"

namespace p1 {

FlashText describe_text(ModbusTcpError error) {
  switch (error) {
    case ModbusTcpError::kNone: return P1_TEXT("ok");
    case ModbusTcpError::kProtocolId: return P1_TEXT("Modbus TCP header with a protocol id other than 0: not Modbus");
    case ModbusTcpError::kBadLength: return P1_TEXT("Modbus TCP header with a length outside 2..254");
    case ModbusTcpError::kShortRequest: return P1_TEXT("Modbus read request without its address and quantity");
  }
  return P1_TEXT("unknown error");
}

#if !defined(P1_FLASH_STRINGS)
const char* describe(ModbusTcpError error) { return describe_text(error).host_string(); }
#endif

namespace {

bool is_read(uint8_t function) {
  return function == modbus::kReadHoldingRegisters || function == modbus::kReadInputRegisters;
}

}  // namespace

ModbusTcpFeed ModbusTcpFramer::feed(ByteSpan bytes, ModbusTcpRequest& request) {
  ModbusTcpFeed fed;
  fed.error = error_;
  if (error_ != ModbusTcpError::kNone) return fed;
  while (fed.consumed < bytes.size()) {
    uint8_t b = bytes[fed.consumed++];
    uint16_t at = received_++;
    switch (at) {
      case 0:
        current_ = ModbusTcpRequest();
        current_.transaction = static_cast<uint16_t>(b << 8);
        break;
      case 1: current_.transaction = static_cast<uint16_t>(current_.transaction | b); break;
      // Refused at its first wrong byte: a client that is not speaking
      // Modbus is not waited for.
      case 2:
      case 3:
        if (b != 0) error_ = ModbusTcpError::kProtocolId;
        break;
      case 4: length_ = static_cast<uint16_t>(b << 8); break;
      case 5:
        length_ = static_cast<uint16_t>(length_ | b);
        if (length_ < kModbusTcpMinLength || length_ > kModbusTcpMaxLength) error_ = ModbusTcpError::kBadLength;
        break;
      case 6: current_.unit = b; break;
      case 7:
        current_.function = b;
        // libmodbus waits for the 4 bytes a read needs whatever the length
        // says, and drops the client when they do not come: the same end,
        // without holding the connection for its timeout.
        if (is_read(b) && length_ - 2u < kModbusTcpKeptData) error_ = ModbusTcpError::kShortRequest;
        break;
      default:
        if (current_.data_length < kModbusTcpKeptData) current_.data[current_.data_length++] = b;
        break;
    }
    if (error_ != ModbusTcpError::kNone) {
      fed.error = error_;
      return fed;
    }
    // The MBAP length counts from the unit id, byte 6.
    if (at >= 6 && at + 1u == 6u + length_) {
      received_ = 0;
      request = current_;
      fed.complete = true;
      return fed;
    }
  }
  return fed;
}

namespace {

size_t put_header(const ModbusTcpRequest& request, uint8_t function, size_t pdu_length, MutableByteSpan out) {
  size_t length = 1 + pdu_length;  // unit id + PDU
  out[0] = static_cast<uint8_t>(request.transaction >> 8);
  out[1] = static_cast<uint8_t>(request.transaction);
  out[2] = 0;
  out[3] = 0;
  out[4] = static_cast<uint8_t>(length >> 8);
  out[5] = static_cast<uint8_t>(length);
  out[6] = request.unit;  // echoed, as libmodbus does, also when it is not ours
  out[7] = function;
  return 6 + length;
}

ModbusTcpAnswer exception(const ModbusTcpRequest& request, uint8_t code, MutableByteSpan out) {
  ModbusTcpAnswer answer;
  answer.exception = code;
  if (out.size() < kModbusTcpHeaderLength + 2) return answer;
  // libmodbus adds 0x80 and wraps for a function code that already has the
  // bit set (a request no client sends); or-ing keeps the answer an exception.
  answer.length = put_header(request, static_cast<uint8_t>(request.function | 0x80), 2, out);
  out[8] = code;
  return answer;
}

}  // namespace

ModbusTcpAnswer modbus_tcp_answer(const ModbusTcpRequest& request, Span<const uint16_t> image, uint16_t image_base,
                                  uint8_t unit_id, MutableByteSpan out) {
  // The checks in the order the Linux server makes them: its own unit id and
  // the function before libmodbus looks at the data, then quantity before
  // address (modbus_reply).
  if (request.unit != unit_id) return exception(request, modbus::kGatewayTargetFailed, out);
  if (!is_read(request.function)) return exception(request, modbus::kIllegalFunction, out);
  if (request.data_length < kModbusTcpKeptData) return exception(request, modbus::kIllegalDataValue, out);
  uint32_t address = static_cast<uint32_t>(request.data[0] << 8 | request.data[1]);
  uint32_t quantity = static_cast<uint32_t>(request.data[2] << 8 | request.data[3]);
  // libmodbus then sleeps its response timeout and flushes what the client
  // sent after the request; here a pipelined request after it is answered.
  if (quantity < 1 || quantity > kModbusMaxReadRegisters) return exception(request, modbus::kIllegalDataValue, out);
  if (address < image_base || address + quantity > image_base + image.size()) {
    return exception(request, modbus::kIllegalDataAddress, out);
  }
  ModbusTcpAnswer answer;
  size_t bytes = 2 * quantity;
  if (out.size() < kModbusTcpHeaderLength + 2 + bytes) return answer;
  answer.length = put_header(request, request.function, 2 + bytes, out);
  size_t at = kModbusTcpHeaderLength + 1;
  out[at++] = static_cast<uint8_t>(bytes);
  for (uint32_t i = address - image_base, end = i + quantity; i < end; ++i) {
    out[at++] = static_cast<uint8_t>(image[i] >> 8);
    out[at++] = static_cast<uint8_t>(image[i]);
  }
  return answer;
}

}  // namespace p1

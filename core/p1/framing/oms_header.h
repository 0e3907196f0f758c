// The EN 13757-3 application header of an M-Bus long frame whose CI field
// says a long header follows (0x5B: to the device, as Netz Oberoesterreich's
// AMIS meters send it to the reader; 0x72: from the device, the same 12
// bytes): ident(4, BCD) manufacturer(2) version medium access-number status
// configuration(2), all little-endian, then the data records, encrypted as
// the configuration word says (EN 13757-7 / OMS Vol. 2).
#pragma once
#include <cstdint>

#include "p1/base/error.h"
#include "p1/base/result.h"
#include "p1/base/span.h"

namespace p1 {

constexpr uint8_t kCiLongHeaderToDevice = 0x5B;
constexpr uint8_t kCiLongHeaderFromDevice = 0x72;
// The CI fields whose frames carry EN 13757-3 data records, not DLMS.
constexpr bool is_oms_ci(uint8_t ci) { return ci == kCiLongHeaderToDevice || ci == kCiLongHeaderFromDevice; }

struct OmsHeader {
  static constexpr size_t kLinkBytes = 3;      // C A CI
  static constexpr size_t kLongHeaderBytes = 12;
  static constexpr uint8_t kModeNone = 0;
  static constexpr uint8_t kModeAesCbc = 5;

  uint8_t control = 0;  // C: 0x53 / 0x73 (SND_UD, FCB toggling)
  uint8_t address = 0;  // A: the reader's primary address (240)
  uint8_t ci = 0;
  uint8_t ident[4] = {};      // as sent (BCD, least significant byte first)
  uint8_t manufacturer[2] = {};
  uint8_t version = 0;
  uint8_t medium = 0;
  uint8_t access_number = 0;
  uint8_t status = 0;
  uint16_t configuration = 0;
  MutableByteSpan records;  // everything after the header (ciphertext while encrypted)

  uint8_t security_mode() const { return static_cast<uint8_t>(configuration >> 8 & 0x1F); }
  // Mode 5: the number of 16-byte blocks that are encrypted.
  size_t encrypted_blocks() const { return configuration >> 4 & 0x0F; }
  // OMS mode 5 IV: manufacturer(2) ident(4) version medium, then the access
  // number 8 times.
  void iv(uint8_t out[16]) const;
  // The manufacturer's three letters (EN 62056-21 FLAG code, 5 bits each).
  void manufacturer_letters(char out[3]) const;
};

// `frame` is C A CI header data (an M-Bus long frame without 68 L L 68 and
// CS 16). Fails with kOmsHeaderTruncated when the header is incomplete.
Result<OmsHeader> parse_oms_header(MutableByteSpan frame);

}  // namespace p1

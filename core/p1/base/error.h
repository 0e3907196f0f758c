// Every way a telegram can fail, as a typed value with the stage it belongs to
// and a message a non-expert can act on.
#pragma once
#include <cstdint>

#include "p1/base/flash_text.h"

namespace p1 {

enum class Stage : uint8_t {
  kNone,
  kInput,      // bytes before any framing (hex text)
  kFraming,    // M-Bus / HDLC frames
  kTransport,  // reassembly of frames/blocks into one APDU
  kSecurity,   // ciphering header, decryption, authentication
  kApdu,       // A-XDR structure of the plaintext
  kBody,       // mapping the notification body onto a known layout
  kOutput,     // formatting
};

enum class Error : uint8_t {
  kNone = 0,
  // framing
  kMbusHeaderMismatch,
  kMbusChecksum,
  kMbusStopByte,
  kHdlcFcs,
  kFrameTruncated,
  // transport
  kSegmentWithoutStart,
  kTelegramTruncated,
  kTelegramTooLarge,
  kGbtBlockMissing,
  kGbtBlockRepeated,
  kGbtBlockMalformed,
  // security
  kNotCiphered,
  kCipherHeaderTruncated,
  kUnsupportedSecurity,
  kMissingKey,
  kAuthTagMismatch,
  kWrongKey,
  kDsmrCrc,
  kReplayedTelegram,
  kNotAuthenticated,
  kNotEncrypted,
  // apdu
  kApduTruncated,
  kNotDataNotification,
  kAxdrUnknownType,
  kAxdrTooDeep,
  kAxdrTrailingBytes,
  kDateTimeInvalid,
  // body
  kUnknownLayout,
  kTooManyValues,
  kValueOutOfRange,
  // output
  kReadingStale,
  kOutputTooSmall,
  // EN 13757-3 / OMS telegrams (Netz Oberoesterreich's AMIS meters)
  kOmsHeaderTruncated,       // framing: shorter than its application header
  kOmsUnsupportedSecurity,   // security: a mode other than 0 and 5
  kOmsEncryptedTruncated,    // security: fewer bytes than the encrypted blocks announced
  kOmsWrongKey,              // security: no 2F 2F after decryption
  kMbusRecordTruncated,      // apdu: a record runs past the end
  kMbusRecordMalformed,      // apdu: too many DIFE/VIFE, a bad BCD digit, a DIF no meter sends
  kMbusUnknownVif,           // apdu: a VIF no table knows
};

Stage stage_of(Error error);
const char* stage_name(Stage stage);
// One sentence, lower case, no trailing period; names the likely cause
// (constant text: in flash on the device).
FlashText describe_text(Error error);
#if !defined(P1_FLASH_STRINGS)
// The same sentence for host code (the Linux program, tools, tests).
const char* describe(Error error);
#endif

}  // namespace p1

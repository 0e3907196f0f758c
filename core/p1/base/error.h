// Every way a telegram can fail, as a typed value with the stage it belongs to
// and a message a non-expert can act on.
#pragma once
#include <cstdint>

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
};

Stage stage_of(Error error);
const char* stage_name(Stage stage);
// One sentence, lower case, no trailing period; names the likely cause.
const char* describe(Error error);

}  // namespace p1

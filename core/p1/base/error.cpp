#include "p1/base/error.h"

namespace p1 {

Stage stage_of(Error error) {
  switch (error) {
    case Error::kNone:
      return Stage::kNone;
    case Error::kMbusHeaderMismatch:
    case Error::kMbusChecksum:
    case Error::kMbusStopByte:
    case Error::kHdlcFcs:
    case Error::kFrameTruncated:
      return Stage::kFraming;
    case Error::kSegmentWithoutStart:
    case Error::kTelegramTruncated:
    case Error::kTelegramTooLarge:
    case Error::kGbtBlockMissing:
    case Error::kGbtBlockRepeated:
    case Error::kGbtBlockMalformed:
      return Stage::kTransport;
    case Error::kNotCiphered:
    case Error::kCipherHeaderTruncated:
    case Error::kUnsupportedSecurity:
    case Error::kMissingKey:
    case Error::kAuthTagMismatch:
    case Error::kWrongKey:
    case Error::kDsmrCrc:
    case Error::kReplayedTelegram:
    case Error::kNotAuthenticated:
    case Error::kNotEncrypted:
      return Stage::kSecurity;
    case Error::kApduTruncated:
    case Error::kNotDataNotification:
    case Error::kAxdrUnknownType:
    case Error::kAxdrTooDeep:
    case Error::kAxdrTrailingBytes:
    case Error::kDateTimeInvalid:
      return Stage::kApdu;
    case Error::kUnknownLayout:
    case Error::kTooManyValues:
    case Error::kValueOutOfRange:
      return Stage::kBody;
    case Error::kReadingStale:
    case Error::kOutputTooSmall:
      return Stage::kOutput;
    case Error::kOmsHeaderTruncated:
      return Stage::kFraming;
    case Error::kOmsUnsupportedSecurity:
    case Error::kOmsEncryptedTruncated:
    case Error::kOmsWrongKey:
      return Stage::kSecurity;
    case Error::kMbusRecordTruncated:
    case Error::kMbusRecordMalformed:
    case Error::kMbusUnknownVif:
      return Stage::kApdu;
  }
  return Stage::kNone;
}

const char* stage_name(Stage stage) {
  switch (stage) {
    case Stage::kNone: return "none";
    case Stage::kInput: return "input";
    case Stage::kFraming: return "framing";
    case Stage::kTransport: return "transport";
    case Stage::kSecurity: return "security";
    case Stage::kApdu: return "apdu";
    case Stage::kBody: return "body";
    case Stage::kOutput: return "output";
  }
  return "?";
}

const char* describe(Error error) {
  switch (error) {
    case Error::kNone: return "ok";
    case Error::kMbusHeaderMismatch: return "M-Bus header length bytes differ: not a long frame";
    case Error::kMbusChecksum: return "M-Bus checksum mismatch: bytes were lost or changed on the line (cable, baud rate, parity 8E1?)";
    case Error::kMbusStopByte: return "M-Bus stop byte missing: frame length does not match the bytes received";
    case Error::kHdlcFcs: return "HDLC frame check sequence mismatch: bytes were lost or changed on the line (cable, baud rate?)";
    case Error::kFrameTruncated: return "frame truncated: the input ended in the middle of a frame";
    case Error::kSegmentWithoutStart: return "continuation frame without a first frame: the start of the telegram was lost";
    case Error::kTelegramTruncated: return "telegram truncated: fewer bytes than its length field announces";
    case Error::kTelegramTooLarge: return "telegram larger than the largest known meter telegram";
    case Error::kGbtBlockMissing: return "block transfer incomplete: a block is missing";
    case Error::kGbtBlockRepeated: return "block transfer out of order: a block was repeated";
    case Error::kGbtBlockMalformed: return "block transfer header malformed";
    case Error::kNotCiphered: return "not a ciphered APDU (expected general-glo-ciphering 0xDB or general-ded-ciphering 0xDF)";
    case Error::kCipherHeaderTruncated: return "ciphering header truncated";
    case Error::kUnsupportedSecurity: return "unsupported security control byte (supported: encryption with or without authentication, suite 0/1)";
    case Error::kMissingKey: return "telegram is encrypted but no decryption key is configured";
    case Error::kAuthTagMismatch: return "authentication tag mismatch: wrong authentication key or tampered telegram";
    case Error::kWrongKey: return "decryption produced no valid APDU: wrong key?";
    case Error::kDsmrCrc: return "DSMR telegram CRC mismatch: wrong key or damaged telegram";
    case Error::kReplayedTelegram: return "frame counter repeated or went back: replayed or stale telegram ignored";
    case Error::kNotAuthenticated:
      return "telegram not authenticated although an authentication key is configured (or the meter sent authenticated "
             "telegrams before): tampered telegram or wrong meter setting";
    case Error::kNotEncrypted:
      return "unencrypted telegram although a key is configured: injected telegram, or a meter that sends in the clear "
             "(then allow plaintext for it)";
    case Error::kApduTruncated: return "APDU truncated: a value runs past the end of the telegram";
    case Error::kNotDataNotification: return "APDU is not a data-notification";
    case Error::kAxdrUnknownType: return "APDU contains an unknown A-XDR data type";
    case Error::kAxdrTooDeep: return "APDU nests structures deeper than any meter does";
    case Error::kAxdrTrailingBytes: return "APDU has bytes after the notification body";
    case Error::kDateTimeInvalid: return "date-time field is malformed";
    case Error::kUnknownLayout: return "notification body has a layout no profile knows";
    case Error::kTooManyValues: return "telegram carries more values than a reading can hold";
    case Error::kReadingStale: return "no current reading: the meter has been silent longer than stale_after";
    case Error::kValueOutOfRange: return "value has more decimals than a reading holds";
    case Error::kOutputTooSmall: return "output buffer too small";
    case Error::kOmsHeaderTruncated: return "M-Bus telegram shorter than its header";
    case Error::kOmsUnsupportedSecurity: return "M-Bus security mode not 0 or 5";
    case Error::kOmsEncryptedTruncated: return "M-Bus telegram shorter than its encrypted part";
    case Error::kOmsWrongKey: return "the key is wrong: no 2F 2F after decryption";
    case Error::kMbusRecordTruncated: return "M-Bus record truncated";
    case Error::kMbusRecordMalformed: return "M-Bus record malformed (DIF, BCD digit or too many DIFE/VIFE)";
    case Error::kMbusUnknownVif: return "M-Bus record with an unknown VIF";
  }
  return "unknown error";
}

}  // namespace p1

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

FlashText describe_text(Error error) {
  switch (error) {
    case Error::kNone: return P1_TEXT("ok");
    case Error::kMbusHeaderMismatch: return P1_TEXT("M-Bus header length bytes differ: not a long frame");
    case Error::kMbusChecksum: return P1_TEXT("M-Bus checksum mismatch: bytes were lost or changed on the line (cable, baud rate, parity 8E1?)");
    case Error::kMbusStopByte: return P1_TEXT("M-Bus stop byte missing: frame length does not match the bytes received");
    case Error::kHdlcFcs: return P1_TEXT("HDLC frame check sequence mismatch: bytes were lost or changed on the line (cable, baud rate?)");
    case Error::kFrameTruncated: return P1_TEXT("frame truncated: the input ended in the middle of a frame");
    case Error::kSegmentWithoutStart: return P1_TEXT("continuation frame without a first frame: the start of the telegram was lost");
    case Error::kTelegramTruncated: return P1_TEXT("telegram truncated: fewer bytes than its length field announces");
    case Error::kTelegramTooLarge: return P1_TEXT("telegram larger than the largest known meter telegram");
    case Error::kGbtBlockMissing: return P1_TEXT("block transfer incomplete: a block is missing");
    case Error::kGbtBlockRepeated: return P1_TEXT("block transfer out of order: a block was repeated");
    case Error::kGbtBlockMalformed: return P1_TEXT("block transfer header malformed");
    case Error::kNotCiphered: return P1_TEXT("not a ciphered APDU (expected general-glo-ciphering 0xDB or general-ded-ciphering 0xDF)");
    case Error::kCipherHeaderTruncated: return P1_TEXT("ciphering header truncated");
    case Error::kUnsupportedSecurity: return P1_TEXT("unsupported security control byte (supported: encryption with or without authentication, suite 0/1)");
    case Error::kMissingKey: return P1_TEXT("telegram is encrypted but no decryption key is configured");
    case Error::kAuthTagMismatch: return P1_TEXT("authentication tag mismatch: wrong authentication key or tampered telegram");
    case Error::kWrongKey: return P1_TEXT("decryption produced no valid APDU: wrong key?");
    case Error::kDsmrCrc: return P1_TEXT("DSMR telegram CRC mismatch: wrong key or damaged telegram");
    case Error::kReplayedTelegram: return P1_TEXT("frame counter repeated or went back: replayed or stale telegram ignored");
    case Error::kNotAuthenticated:
      return P1_TEXT("telegram not authenticated although an authentication key is configured (or the meter sent authenticated "
             "telegrams before): tampered telegram or wrong meter setting");
    case Error::kNotEncrypted:
      return P1_TEXT("unencrypted telegram although a key is configured: injected telegram, or a meter that sends in the clear "
             "(then allow plaintext for it)");
    case Error::kApduTruncated: return P1_TEXT("APDU truncated: a value runs past the end of the telegram");
    case Error::kNotDataNotification: return P1_TEXT("APDU is not a data-notification");
    case Error::kAxdrUnknownType: return P1_TEXT("APDU contains an unknown A-XDR data type");
    case Error::kAxdrTooDeep: return P1_TEXT("APDU nests structures deeper than any meter does");
    case Error::kAxdrTrailingBytes: return P1_TEXT("APDU has bytes after the notification body");
    case Error::kDateTimeInvalid: return P1_TEXT("date-time field is malformed");
    case Error::kUnknownLayout: return P1_TEXT("notification body has a layout no profile knows");
    case Error::kTooManyValues: return P1_TEXT("telegram carries more values than a reading can hold");
    case Error::kReadingStale: return P1_TEXT("no current reading: the meter has been silent longer than stale_after");
    case Error::kValueOutOfRange: return P1_TEXT("value has more decimals than a reading holds");
    case Error::kOutputTooSmall: return P1_TEXT("output buffer too small");
    case Error::kOmsHeaderTruncated: return P1_TEXT("M-Bus telegram shorter than its header");
    case Error::kOmsUnsupportedSecurity: return P1_TEXT("M-Bus security mode not 0 or 5");
    case Error::kOmsEncryptedTruncated: return P1_TEXT("M-Bus telegram shorter than its encrypted part");
    case Error::kOmsWrongKey: return P1_TEXT("the key is wrong: no 2F 2F after decryption");
    case Error::kMbusRecordTruncated: return P1_TEXT("M-Bus record truncated");
    case Error::kMbusRecordMalformed: return P1_TEXT("M-Bus record malformed (DIF, BCD digit or too many DIFE/VIFE)");
    case Error::kMbusUnknownVif: return P1_TEXT("M-Bus record with an unknown VIF");
  }
  return P1_TEXT("unknown error");
}

#if !defined(P1_FLASH_STRINGS)
const char* describe(Error error) { return describe_text(error).host_string(); }
#endif

}  // namespace p1

// TelegramDecoder for EN 13757-3 frames (see telegram_decoder.h for the
// policy): header, OMS mode 5 decryption, data records, access number.
#include <cstring>

#include "p1/framing/oms_header.h"
#include "p1/mbus/mbus_records.h"
#include "p1/pipeline/telegram_decoder.h"

namespace p1 {

namespace {
constexpr uint8_t kIdleFiller = 0x2F;
constexpr size_t kAesBlock = 16;

bool oms_clock(const Reading& reading, int64_t& seconds) {
  const DlmsDateTime* time = reading.timestamp();
  return time != nullptr && time->to_seconds(seconds);
}
}  // namespace

Error TelegramDecoder::decode_oms(MutableByteSpan frame, Reading& out) {
  restarted_ = false;
  Error error = decode_oms_telegram(frame, out);
  if (error == Error::kReplayedTelegram || error == Error::kNotEncrypted) out.clear();
  return error;
}

Error TelegramDecoder::check_access_number(const Reading& reading) {
  int64_t clock = 0;
  const bool has_clock = oms_clock(reading, clock) && has_last_clock_;
  if (!has_access_number_) return Error::kNone;
  const uint8_t step = static_cast<uint8_t>(reading.frame_counter - last_access_number_);
  const bool later = has_clock && clock > last_clock_;
  const bool older = has_clock && clock < last_clock_;
  if (older || (!later && (step == 0 || step >= 128))) {
    ++counters_.frame_counter_repeats;
    return reject_replays_ ? Error::kReplayedTelegram : Error::kNone;
  }
  if (step > 1 && step < 128) counters_.frame_counter_gaps += step - 1u;
  return Error::kNone;
}

Error TelegramDecoder::decode_oms_telegram(MutableByteSpan frame, Reading& out) {
  out.clear();
  auto parsed = parse_oms_header(frame);
  if (!parsed) {
    ++counters_.decode_errors;
    return parsed.error();
  }
  const OmsHeader& h = parsed.value();
  char maker[3];
  h.manufacturer_letters(maker);
  // The system title's place: manufacturer letters, ident, version (what
  // the status and discovery show as the maker and the device).
  std::memcpy(out.system_title, maker, 3);
  std::memcpy(out.system_title + 3, h.ident, 4);
  out.system_title[7] = h.version;
  out.frame_counter = h.access_number;
  out.layout = kMbusRecordsLayout;
  MutableByteSpan records = h.records;
  switch (h.security_mode()) {
    case OmsHeader::kModeNone:
      // Anyone on the line can send it: refused where the meter encrypts.
      if ((has_key_ || has_auth_key_) && !allow_plaintext_) {
        ++counters_.insecure_refused;
        return Error::kNotEncrypted;
      }
      break;
    case OmsHeader::kModeAesCbc: {
      // Encrypted, not authenticated: the DLMS security-control bits that say
      // the same, so the status, the raw output and `probe` show it alike.
      out.security_control = kSecurityEncryption;
      if (!has_key_) {
        ++counters_.decrypt_errors;
        return Error::kMissingKey;
      }
      const size_t encrypted = h.encrypted_blocks() * kAesBlock;
      if (encrypted == 0 || encrypted > records.size()) {
        ++counters_.decrypt_errors;
        return Error::kOmsEncryptedTruncated;
      }
      uint8_t iv[kAesBlock];
      h.iv(iv);
      gcm_->decrypt_cbc(iv, records.first(encrypted));
      // OMS: the plaintext begins with two idle fillers; a wrong key gives
      // random bytes there (1 in 65536 passes, then the records fail).
      if (records[0] != kIdleFiller || records[1] != kIdleFiller) {
        ++counters_.decrypt_errors;
        return Error::kOmsWrongKey;
      }
      break;
    }
    default:
      ++counters_.decrypt_errors;
      return Error::kOmsUnsupportedSecurity;
  }
  out.plaintext = records;
  out.body = records;
  Error error = decode_mbus_records(records, maker, out);
  if (error != Error::kNone) {
    ++counters_.decode_errors;
    return error;
  }
  error = check_access_number(out);
  if (error != Error::kNone) return error;
  has_access_number_ = true;
  last_access_number_ = static_cast<uint8_t>(out.frame_counter);
  has_last_clock_ = oms_clock(out, last_clock_);
  ++counters_.readings;
  return Error::kNone;
}

}  // namespace p1

#include "p1/pipeline/telegram_decoder.h"

#include <cstring>

#include "p1/cosem/layouts/dsmr_text.h"
#include "p1/dlms/data_notification.h"

namespace p1 {

void TelegramDecoder::set_key(const Aes128Key& key) {
  if (gcm_ == nullptr) return;
  gcm_->set_key(key);
  has_key_ = true;
}

void TelegramDecoder::set_auth_key(const AuthKey& key) {
  auth_key_ = key;
  has_auth_key_ = true;
}

Error TelegramDecoder::decrypt(CipheredApdu& apdu, Reading& out) {
  if (!has_key_) return Error::kMissingKey;
  uint8_t iv[12];
  apdu.iv(iv);
  if (apdu.authenticated() && has_auth_key_) {
    // Additional authenticated data: security control || authentication key.
    uint8_t aad[1 + AuthKey::kSize];
    aad[0] = apdu.security_control;
    std::memcpy(aad + 1, auth_key_.data(), AuthKey::kSize);
    if (!gcm_->decrypt_verified(iv, ByteSpan(aad, sizeof aad), apdu.ciphertext, apdu.tag)) {
      return Error::kAuthTagMismatch;
    }
    out.tag_checked = true;
    return Error::kNone;
  }
  gcm_->decrypt(iv, apdu.ciphertext);
  return Error::kNone;
}

Error TelegramDecoder::check_frame_counter(uint32_t fc) {
  // A meter increments the counter by one per telegram. An equal or smaller
  // value is a replayed or stale telegram and is not published; but several
  // step-backs in a row mean the meter was reset or replaced, so it resyncs.
  constexpr uint8_t kStepBacksToResync = 3;
  if (has_frame_counter_ && fc <= last_frame_counter_) {
    ++counters_.frame_counter_repeats;
    if (reject_replays_ && ++step_backs_ < kStepBacksToResync) return Error::kReplayedTelegram;
  } else if (has_frame_counter_ && fc != last_frame_counter_ + 1) {
    counters_.frame_counter_gaps += fc - last_frame_counter_ - 1;
  }
  step_backs_ = 0;
  has_frame_counter_ = true;
  last_frame_counter_ = fc;
  return Error::kNone;
}

Error TelegramDecoder::decode(MutableByteSpan bytes, Reading& out) {
  out.clear();
  Error error = Error::kNone;
  ByteSpan plaintext = bytes;
  if (!bytes.empty() && bytes[0] == kTagDataNotification) {
    out.plaintext = plaintext;
    error = decode_notification(plaintext, out.system_title, layout_, out);
  } else {
    auto parsed = parse_cipher_apdu(bytes);
    if (!parsed) {
      ++counters_.decrypt_errors;
      return parsed.error();
    }
    CipheredApdu& apdu = parsed.value();
    std::memcpy(out.system_title, apdu.system_title, sizeof out.system_title);
    out.frame_counter = apdu.frame_counter;
    out.security_control = apdu.security_control;
    error = decrypt(apdu, out);
    if (error == Error::kAuthTagMismatch) {
      ++counters_.auth_errors;
      return error;
    }
    if (error != Error::kNone) {
      ++counters_.decrypt_errors;
      return error;
    }
    plaintext = apdu.ciphertext;
    out.plaintext = plaintext;
    if (!plaintext.empty() && plaintext[0] == kDsmrStart) {
      // DSMR text inside the ciphering: its CRC stands in for the tag.
      error = decode_dsmr(plaintext, out);
      if (error != Error::kNone) {
        ++counters_.decrypt_errors;
        return error;
      }
      error = check_frame_counter(out.frame_counter);
      if (error != Error::kNone) return error;
      ++counters_.readings;
      return Error::kNone;
    }
    error = decode_notification(plaintext, out.system_title, layout_, out);
    // Without a verified tag, plaintext that is not a well-formed APDU almost
    // always means the key is wrong (a correct key would give valid A-XDR).
    if (!out.tag_checked && (stage_of(error) == Stage::kApdu)) {
      ++counters_.decrypt_errors;
      return Error::kWrongKey;
    }
  }
  if (error != Error::kNone) {
    ++counters_.decode_errors;
    return error;
  }
  if (out.security_control != 0) {
    error = check_frame_counter(out.frame_counter);
    if (error != Error::kNone) return error;
  }
  ++counters_.readings;
  return Error::kNone;
}

}  // namespace p1

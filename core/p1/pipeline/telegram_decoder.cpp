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

namespace {
bool clock_seconds(const Reading& reading, int64_t& seconds) {
  const DlmsDateTime* time = reading.timestamp();
  return time != nullptr && time->to_seconds(seconds);
}
}  // namespace

Error TelegramDecoder::check_authentication(const CipheredApdu& apdu) {
  if (apdu.authenticated()) return Error::kNone;
  // Without the authentication bit the tag is not checked: with an
  // authentication key that would let anyone strip it (0x30 -> 0x20).
  if (has_auth_key_) return Error::kNotAuthenticated;
  if (authenticated_seen_ && std::memcmp(apdu.system_title, authenticated_title_, kSystemTitleSize) == 0) {
    return Error::kNotAuthenticated;  // this meter authenticates: a downgrade
  }
  return Error::kNone;
}

Error TelegramDecoder::check_frame_counter(const Reading& reading) {
  // A meter increments the counter by one per telegram. An equal or smaller
  // value is a replayed or stale telegram and is not published, however
  // often it comes. Only a restart the meter itself shows is followed: a
  // counter that starts again near zero with a clock later than the last
  // accepted telegram's (an old telegram replayed carries an old clock).
  const uint32_t fc = reading.frame_counter;
  int64_t clock = 0;
  if (!has_frame_counter_ || fc > last_frame_counter_) {
    // After a restart the telegrams from before it have higher counters than
    // the new ones: until the counter passes them again, a telegram must also
    // not be older than the last accepted one.
    if (reject_replays_ && counter_before_restart_ != 0 && fc <= counter_before_restart_ &&
        !(has_last_clock_ && clock_seconds(reading, clock) && clock >= last_clock_)) {
      ++counters_.frame_counter_repeats;
      return Error::kReplayedTelegram;
    }
    if (has_frame_counter_ && fc != last_frame_counter_ + 1) counters_.frame_counter_gaps += fc - last_frame_counter_ - 1;
    return Error::kNone;
  }
  if (!reject_replays_) {
    ++counters_.frame_counter_repeats;  // an offline capture: decoded as it is
    return Error::kNone;
  }
  // Strictly later: a replayed telegram of the same second cannot pass.
  if (fc < last_frame_counter_ && fc < kRestartWindow && has_last_clock_ && clock_seconds(reading, clock) &&
      clock > last_clock_) {
    ++counters_.counter_restarts;
    restarted_ = true;
    restarted_from_ = last_frame_counter_;
    return Error::kNone;
  }
  ++counters_.frame_counter_repeats;
  return Error::kReplayedTelegram;
}

void TelegramDecoder::accepted(const Reading& reading) {
  if (restarted_ && restarted_from_ > counter_before_restart_) counter_before_restart_ = restarted_from_;
  if (reading.frame_counter > counter_before_restart_) counter_before_restart_ = 0;
  has_frame_counter_ = true;
  last_frame_counter_ = reading.frame_counter;
  has_last_clock_ = clock_seconds(reading, last_clock_);
  if ((reading.security_control & kSecurityAuthentication) != 0) {
    authenticated_seen_ = true;
    std::memcpy(authenticated_title_, reading.system_title, kSystemTitleSize);
  }
}

Error TelegramDecoder::decode(MutableByteSpan bytes, Reading& out) {
  restarted_ = false;
  Error error = decode_telegram(bytes, out);
  if (error == Error::kReplayedTelegram || error == Error::kNotAuthenticated || error == Error::kNotEncrypted) {
    out.clear();  // refused: nothing of it may be published
    restarted_ = false;
  }
  return error;
}

Error TelegramDecoder::decode_telegram(MutableByteSpan bytes, Reading& out) {
  out.clear();
  Error error = Error::kNone;
  ByteSpan plaintext = bytes;
  if (!bytes.empty() && bytes[0] == kTagDataNotification) {
    // Unencrypted, unauthenticated, without a frame counter: anyone on the
    // line can send it, so only meters that send in the clear may.
    if ((has_key_ || has_auth_key_) && !allow_plaintext_) {
      ++counters_.insecure_refused;
      return Error::kNotEncrypted;
    }
    if (has_auth_key_ || authenticated_seen_) {
      ++counters_.insecure_refused;
      return Error::kNotAuthenticated;
    }
    out.plaintext = plaintext;
    error = decode_notification(plaintext, out.system_title, layout_, out);
    if (error != Error::kNone) {
      ++counters_.decode_errors;
      return error;
    }
    ++counters_.readings;
    return Error::kNone;
  }
  auto parsed = parse_cipher_apdu(bytes);
  if (!parsed) {
    ++counters_.decrypt_errors;
    return parsed.error();
  }
  CipheredApdu& apdu = parsed.value();
  std::memcpy(out.system_title, apdu.system_title, sizeof out.system_title);
  out.frame_counter = apdu.frame_counter;
  out.security_control = apdu.security_control;
  error = check_authentication(apdu);
  if (error != Error::kNone) {
    ++counters_.insecure_refused;
    return error;
  }
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
  } else {
    error = decode_notification(plaintext, out.system_title, layout_, out);
    // Without a verified tag, plaintext that is not a well-formed APDU almost
    // always means the key is wrong (a correct key would give valid A-XDR).
    if (!out.tag_checked && (stage_of(error) == Stage::kApdu)) {
      ++counters_.decrypt_errors;
      return Error::kWrongKey;
    }
    if (error != Error::kNone) {
      ++counters_.decode_errors;
      return error;
    }
  }
  // Decrypted and decoded, not yet published: the frame counter decides.
  error = check_frame_counter(out);
  if (error != Error::kNone) return error;
  accepted(out);
  ++counters_.readings;
  return Error::kNone;
}

}  // namespace p1

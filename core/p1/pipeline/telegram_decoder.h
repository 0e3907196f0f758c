// From one reassembled APDU to a Reading: unwraps the ciphering, decrypts in
// place (verifying the tag when an authentication key is configured), and
// decodes the data-notification. One decoder per meter: it owns the key
// schedule, so the key is expanded once, not per telegram.
//
// Security policy (what is refused, each with its own Error):
//  - with an encryption or authentication key configured, a plaintext
//    data-notification is refused (kNotEncrypted) unless set_allow_plaintext;
//  - with an authentication key configured, a telegram without the
//    authentication bit (SC 0x20 instead of 0x30) is refused
//    (kNotAuthenticated): stripping the tag must not bypass it. Once a meter
//    (system title) has sent accepted authenticated telegrams, an
//    unauthenticated one from it is refused the same way, even without a key;
//  - a frame counter equal to or lower than the last accepted one is refused
//    (kReplayedTelegram), except for a restart the meter itself shows: a
//    counter below kRestartWindow together with a meter clock later than the
//    last accepted telegram's (counted in counter_restarts and flagged by
//    frame_counter_restarted()). Until the new counter passes the old one,
//    a telegram must also not be older than the last accepted one, so the
//    telegrams from before the restart cannot be replayed.
// A refused telegram never yields a reading: decode() returns the error and
// clears `out`.
//
// EN 13757-3 telegrams (decode_oms(), oms_telegram.cpp: Netz
// Oberoesterreich's AMIS meters, OMS security mode 5) follow the same
// policy with the same key: with a key configured an unencrypted one is
// refused (kNotEncrypted); the 8-bit access number stands in for the frame
// counter, compared modulo 256 (ahead by 1..127 is newer), and the meter
// clock the telegram carries decides where the access number cannot: an
// older clock is always a replay, a later clock is accepted whatever the
// access number (a meter restart, or more than 127 telegrams missed).
#pragma once
#include "p1/dlms/cipher_apdu.h"
#include "p1/pipeline/stream_counters.h"
#include "p1/crypto/aes_gcm.h"
#include "p1/cosem/layouts/body_layout.h"
#include "p1/cosem/reading.h"

namespace p1 {

class TelegramDecoder {
 public:
  // A frame counter below this after a higher one may be a meter restart.
  static constexpr uint32_t kRestartWindow = 16;

  // `gcm` must outlive the decoder; pass nullptr for plaintext-only meters.
  TelegramDecoder(AesGcmDecryptor* gcm, StreamCounters& counters) : gcm_(gcm), counters_(counters) {}

  void set_key(const Aes128Key& key);
  void set_auth_key(const AuthKey& key);
  // On by default: a repeated or older frame counter is rejected as a replay.
  // An offline capture (p1bridge decode) may repeat telegrams on purpose.
  void set_reject_replays(bool reject) { reject_replays_ = reject; }
  // Off by default: with a key configured, unencrypted data-notifications
  // are refused (kNotEncrypted). On for meters that send in the clear
  // although a key is configured. An authentication key still refuses them
  // (kNotAuthenticated).
  void set_allow_plaintext(bool allow) { allow_plaintext_ = allow; }
  // nullptr = detect the layout from the body's shape.
  void set_layout(const BodyLayout* layout) { layout_ = layout; }

  // Decodes `apdu` (modified in place) into `out`; counts failures.
  Error decode(MutableByteSpan apdu, Reading& out);
  // The same for an EN 13757-3 frame: C A CI, the 12-byte long header, the
  // (encrypted) data records; decrypted in place.
  Error decode_oms(MutableByteSpan frame, Reading& out);

  // True when the last decode() accepted a telegram as a restart of the
  // meter's frame counter (the front-end should log it); restarted_from() is
  // the counter before the restart.
  bool frame_counter_restarted() const { return restarted_; }
  uint32_t restarted_from() const { return restarted_from_; }

 private:
  Error decode_telegram(MutableByteSpan apdu, Reading& out);
  Error decrypt(CipheredApdu& apdu, Reading& out);
  // Refuses an unauthenticated ciphered telegram the policy forbids.
  Error check_authentication(const CipheredApdu& apdu);
  // Called after a telegram decoded, before it is published: counts gaps,
  // rejects repeats, recognises a meter restart by its clock.
  Error check_frame_counter(const Reading& reading);
  void accepted(const Reading& reading);
  Error decode_oms_telegram(MutableByteSpan frame, Reading& out);
  Error check_access_number(const Reading& reading);

  AesGcmDecryptor* gcm_;
  StreamCounters& counters_;
  bool has_key_ = false;
  bool has_auth_key_ = false;
  AuthKey auth_key_;
  const BodyLayout* layout_ = nullptr;
  bool reject_replays_ = true;
  bool allow_plaintext_ = false;
  // Frame counter and meter clock of the last accepted ciphered telegram.
  bool has_frame_counter_ = false;
  uint32_t last_frame_counter_ = 0;
  bool has_last_clock_ = false;
  int64_t last_clock_ = 0;
  // The system title of the last meter that sent accepted authenticated
  // telegrams: unauthenticated ones from it are a downgrade.
  bool authenticated_seen_ = false;
  uint8_t authenticated_title_[kSystemTitleSize] = {};
  // Highest counter accepted before the last restart, until the meter's
  // counter passes it again (0: none).
  uint32_t counter_before_restart_ = 0;
  bool restarted_ = false;
  uint32_t restarted_from_ = 0;
  // Access number of the last accepted EN 13757-3 telegram (its clock is
  // last_clock_: a meter sends either kind, never both).
  bool has_access_number_ = false;
  uint8_t last_access_number_ = 0;
};

}  // namespace p1

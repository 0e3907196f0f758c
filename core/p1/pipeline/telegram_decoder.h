// From one reassembled APDU to a Reading: unwraps the ciphering, decrypts in
// place (verifying the tag when an authentication key is configured), and
// decodes the data-notification. One decoder per meter: it owns the key
// schedule, so the key is expanded once, not per telegram.
#pragma once
#include "p1/dlms/cipher_apdu.h"
#include "p1/pipeline/stream_counters.h"
#include "p1/crypto/aes_gcm.h"
#include "p1/cosem/layouts/body_layout.h"
#include "p1/cosem/reading.h"

namespace p1 {

class TelegramDecoder {
 public:
  // `gcm` must outlive the decoder; pass nullptr for plaintext-only meters.
  TelegramDecoder(AesGcmDecryptor* gcm, StreamCounters& counters) : gcm_(gcm), counters_(counters) {}

  void set_key(const Aes128Key& key);
  void set_auth_key(const AuthKey& key);
  // On by default: a repeated or older frame counter is rejected as a replay.
  // An offline capture (p1bridge decode) may repeat telegrams on purpose.
  void set_reject_replays(bool reject) { reject_replays_ = reject; }
  // nullptr = detect the layout from the body's shape.
  void set_layout(const BodyLayout* layout) { layout_ = layout; }

  // Decodes `apdu` (modified in place) into `out`; counts failures.
  Error decode(MutableByteSpan apdu, Reading& out);

 private:
  Error decrypt(CipheredApdu& apdu, Reading& out);
  // Called after a telegram decoded: counts gaps, rejects repeats.
  Error check_frame_counter(uint32_t frame_counter);

  AesGcmDecryptor* gcm_;
  StreamCounters& counters_;
  bool has_key_ = false;
  bool has_auth_key_ = false;
  AuthKey auth_key_;
  const BodyLayout* layout_ = nullptr;
  // Frame counter of the last accepted ciphered telegram, to reject replays.
  bool has_frame_counter_ = false;
  uint32_t last_frame_counter_ = 0;
  uint8_t step_backs_ = 0;
  bool reject_replays_ = true;  // consecutive step-backs; a few in a row = meter reset
};

}  // namespace p1

// Per-stage counters of one meter's stream: what a user looks at first when
// "nothing arrives" (bytes but no frames: wrong baud; frames but checksum
// errors: noise; telegrams but decrypt errors: wrong key).
#pragma once
#include <cstdint>

namespace p1 {

struct StreamCounters {
  uint32_t bytes = 0;             // bytes fed to the reader
  uint32_t skipped_bytes = 0;     // bytes outside any valid frame
  uint32_t frames = 0;            // frames with valid checksum
  uint32_t checksum_errors = 0;   // frames rejected by checksum/stop byte
  uint32_t transport_errors = 0;  // segments lost/out of order, oversize
  uint32_t telegrams = 0;         // complete telegrams handed to the decoder
  uint32_t decrypt_errors = 0;    // wrong key / malformed ciphering header
  uint32_t auth_errors = 0;       // authentication tag mismatch
  uint32_t decode_errors = 0;     // plaintext that does not map to a reading
  uint32_t frame_counter_gaps = 0;     // telegrams missed (frame counter jumped)
  uint32_t frame_counter_repeats = 0;  // replayed/stale telegrams rejected
  uint32_t counter_restarts = 0;       // meter restarted its frame counter (accepted, see TelegramDecoder)
  uint32_t insecure_refused = 0;       // unencrypted/unauthenticated telegrams the configuration forbids
  uint32_t readings = 0;          // readings decoded
  uint32_t acknowledgements = 0;  // E5s sent to a meter that waits for them (AMIS)
};

}  // namespace p1

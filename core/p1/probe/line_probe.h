// What a meter line shows at one line setting, and what that means: the logic
// behind `p1bridge probe` and the device's automatic line-setting search. A
// probe observes a MeterStream that front-ends feed as usual (no buffer of its
// own): it notes the counters when a setting's window begins and the first
// system title, framing, layout and error it sees, and turns the window's
// figures into one verdict a user can act on (wrong speed, wrong key, ...).
#pragma once
#include <cstdint>

#include "p1/base/error.h"
#include "p1/base/text_buffer.h"
#include "p1/framing/frame_parsers.h"
#include "p1/pipeline/meter_stream.h"
#include "p1/probe/line_settings.h"

namespace p1 {

struct LineObservation {
  uint32_t bytes = 0;
  uint32_t frames = 0;
  uint32_t checksum_errors = 0;
  uint32_t telegrams = 0;
  uint32_t readings = 0;
  uint32_t decrypt_errors = 0;
  uint32_t auth_errors = 0;
  uint32_t decode_errors = 0;
  uint32_t refused = 0;  // replays and telegrams the security policy refuses
  Framing framing = Framing::kNone;
  bool has_title = false;
  uint8_t system_title[8] = {};
  uint8_t security_control = 0;
  const char* layout = nullptr;  // of the first reading
  Error first_error = Error::kNone;
};

enum class LineVerdict : uint8_t {
  kNothing,        // no byte at all
  kNoise,          // bytes, but no valid frame: another speed or parity
  kFramesOnly,     // valid frames, but no complete telegram
  kNeedsKey,       // encrypted telegrams and no key given
  kWrongKey,       // telegrams that the key does not decrypt
  kWrongAuthKey,   // the authentication tag does not match
  kUnknownLayout,  // decrypted, but no layout explains the body
  kRefused,        // decoded, but refused by the security rules (plaintext with a key, replay)
  kReadings,       // readings decoded
};

class LineProbe {
 public:
  // A new window (a new line setting, or the device's next check): the
  // counters from here on are the window's.
  void begin(const MeterStreamCore& stream);
  // Every event the stream returns while the window runs.
  void on_event(const StreamEvent& event, const MeterStreamCore& stream);
  // The window's figures.
  LineObservation observation(const MeterStreamCore& stream) const;

 private:
  StreamCounters start_;
  LineObservation seen_;
};

LineVerdict judge(const LineObservation& seen);
// The verdict as one plain sentence (no secrets: keys are never part of it).
FlashText explain(LineVerdict verdict);
// The manufacturer's three-letter FLAG id from the system title, e.g. "KFM".
void manufacturer_id(const LineObservation& seen, char out[4]);
// Who operates such meters: from the layout that decoded (its description),
// else from the manufacturer and the framing. Writes into `out`.
void describe_operator(const LineObservation& seen, const LineSetting& setting, TextBuffer& out);
// One report line for a setting: "bytes 1234, frames 12 (M-Bus), checksum
// errors 0, telegrams 6, readings 6; KFM 4B464D6750000009, security 0x20
// (encrypted); layout evn".
void describe_observation(const LineObservation& seen, TextBuffer& out);
// The device's search: true when a window with enough bytes or time showed
// no valid frame (nothing or noise), so the next setting is worth a try.
bool only_errors(const LineObservation& seen);

}  // namespace p1

// One meter's byte stream end to end: frames -> telegram -> Reading. This is
// what front-ends (the Linux program, the firmware, the fuzzer) drive:
//   while (!input.empty()) { auto e = stream.push(input); ... }
#pragma once
#include "p1/pipeline/stream_counters.h"
#include "p1/framing/frame_sync.h"
#include "p1/framing/mbus_acknowledger.h"
#include "p1/cosem/reading.h"
#include "p1/pipeline/telegram_decoder.h"

namespace p1 {

struct StreamEvent {
  enum class Kind : uint8_t { kNeedMore, kReading, kError };
  Kind kind = Kind::kNeedMore;
  Error error = Error::kNone;
  uint32_t frame = 0;      // frame number the event concerns (1-based)
  uint32_t telegram = 0;   // telegram number (1-based) for readings and decode errors
  // kReading: the meter restarted its frame counter (a reset or firmware
  // update), recognised by its clock; worth a log line. The counter before
  // the restart is decoder().restarted_from().
  bool frame_counter_restart = false;

  // True for a reading or an error, false for "need more input".
  explicit operator bool() const { return kind != Kind::kNeedMore; }
};

// The stream without a Reading of its own: it decodes into the one it is
// lent. The device lends it a Reading in its shared scratch area (the
// publisher renders from the same bytes later in the loop), so the reading is
// valid until the next push() or until that area serves another stage.
class MeterStreamCore {
 public:
  MeterStreamCore(AesGcmDecryptor* gcm, Reading& reading)
      : reader_(counters_), decoder_(gcm, counters_), reading_(reading) {}
  MeterStreamCore(const MeterStreamCore&) = delete;
  MeterStreamCore& operator=(const MeterStreamCore&) = delete;

  TelegramDecoder& decoder() { return decoder_; }
  const StreamCounters& counters() const { return counters_; }
  // Framing of the last valid frame (kNone before the first).
  Framing framing() const { return reader_.framing(); }
  // The reading of the last kReading event; valid until the next push().
  const Reading& reading() const { return reading_; }

  // Consumes input and returns the next event (reading or error); kNeedMore
  // when the input is used up and nothing buffered is complete. Call until
  // kNeedMore:  for (;;) { auto e = stream.push(in); if (!e) break; ... }
  StreamEvent push(ByteSpan& input);
  // End of input: what is left in the buffer, then an incomplete frame or
  // telegram. Call until kNeedMore.
  StreamEvent finish();
  // The source was reopened (reconnect, new serial port): drops buffered
  // bytes and what the reader learnt about the framing. The decoder keeps
  // its frame counter (replays stay refused across reconnects) and the
  // counters go on.
  void reset() {
    reader_.reset();
    acknowledger_.reset();
    reply_due_ = false;
  }

  // Off by default. On: every byte pushed also goes through the M-Bus
  // acknowledger, and take_reply() returns the E5 a meter that is the bus
  // master (AMIS) waits for. The front-end writes it to the meter after its
  // push() loop, before it waits for input again.
  void set_acknowledge(bool on) { acknowledge_ = on; }
  bool acknowledging() const { return acknowledge_; }
  // The bytes to send to the meter now (empty: none); once per push loop.
  ByteSpan take_reply() {
    if (!reply_due_) return ByteSpan();
    reply_due_ = false;
    ++counters_.acknowledgements;
    return MbusAcknowledger::reply();
  }
  const MbusAcknowledger& acknowledger() const { return acknowledger_; }

 private:
  StreamEvent on_frame_event(const FrameEvent& event);

  StreamCounters counters_;
  FrameSync reader_;
  MbusAcknowledger acknowledger_;
  bool acknowledge_ = false;
  bool reply_due_ = false;
  TelegramDecoder decoder_;
  Reading& reading_;
  uint32_t telegram_number_ = 0;
};

namespace detail {
struct ReadingStorage {
  Reading storage_reading;
};
}  // namespace detail

// The stream with its own Reading: the Linux program, the tools and the tests.
class MeterStream : private detail::ReadingStorage, public MeterStreamCore {
 public:
  explicit MeterStream(AesGcmDecryptor* gcm) : MeterStreamCore(gcm, storage_reading) {}
};

}  // namespace p1

#include "p1/pipeline/meter_stream.h"

namespace p1 {

StreamEvent MeterStreamCore::on_frame_event(const FrameEvent& event) {
  StreamEvent out;
  out.frame = event.frame;
  switch (event.kind) {
    case FrameEvent::Kind::kNeedMore:
      return out;
    case FrameEvent::Kind::kError:
      out.kind = StreamEvent::Kind::kError;
      out.error = event.error;
      out.telegram = telegram_number_ + 1;
      return out;
    case FrameEvent::Kind::kTelegram:
      break;
  }
  out.telegram = ++telegram_number_;
  Error error = event.oms ? decoder_.decode_oms(event.apdu, reading_) : decoder_.decode(event.apdu, reading_);
  out.kind = error == Error::kNone ? StreamEvent::Kind::kReading : StreamEvent::Kind::kError;
  out.error = error;
  out.frame_counter_restart = error == Error::kNone && decoder_.frame_counter_restarted();
  return out;
}

StreamEvent MeterStreamCore::push(ByteSpan& input) {
  const uint8_t* start = input.data();
  const size_t before = input.size();
  FrameEvent event = reader_.push(input);
  // Every byte leaves `input` exactly once: the acknowledger sees each once.
  if (acknowledge_ && acknowledger_.feed(ByteSpan(start, before - input.size()))) reply_due_ = true;
  return on_frame_event(event);
}

StreamEvent MeterStreamCore::finish() { return on_frame_event(reader_.finish()); }

}  // namespace p1

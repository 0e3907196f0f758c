#include "p1/output/status_json.h"

#include "p1/base/text_buffer.h"
#include "p1/output/json_text.h"

namespace p1 {

namespace {
const CounterField kCounters[] P1_FLASH_DATA = {
    {"bytes", &StreamCounters::bytes},
    {"skipped_bytes", &StreamCounters::skipped_bytes},
    {"frames", &StreamCounters::frames},
    {"checksum_errors", &StreamCounters::checksum_errors},
    {"transport_errors", &StreamCounters::transport_errors},
    {"telegrams", &StreamCounters::telegrams},
    {"decrypt_errors", &StreamCounters::decrypt_errors},
    {"auth_errors", &StreamCounters::auth_errors},
    {"decode_errors", &StreamCounters::decode_errors},
    {"frame_counter_gaps", &StreamCounters::frame_counter_gaps},
    {"frame_counter_repeats", &StreamCounters::frame_counter_repeats},
    {"counter_restarts", &StreamCounters::counter_restarts},
    {"insecure_refused", &StreamCounters::insecure_refused},
    {"readings", &StreamCounters::readings},
    {"acknowledgements", &StreamCounters::acknowledgements},
};
}  // namespace

Span<const CounterField> counter_fields() { return Span<const CounterField>(kCounters); }

Result<size_t> format_status(const StatusReport& r, CharSpan buffer) {
  TextBuffer out(buffer);
  bool first = true;
  out.put('{');
  if (r.meter != nullptr) {
    put_json_key(out, P1_TEXT("meter"), first);
    put_json_string(out, r.meter);
  }
  if (r.source != nullptr) {
    put_json_key(out, P1_TEXT("source"), first);
    put_json_string(out, r.source);
    put_json_key(out, P1_TEXT("connected"), first);
    put_json_bool(out, r.connected);
  }
  if (r.counters != nullptr) {
    for (const CounterField& c : kCounters) {
      put_json_key(out, c.name(), first);
      put_json_uint(out, r.counters->*c.member);
    }
  }
  put_json_key(out, P1_TEXT("queued"), first);
  put_json_uint(out, r.queued);
  put_json_key(out, P1_TEXT("queue"), first);
  put_json_uint(out, r.queue);
  put_json_key(out, P1_TEXT("published"), first);
  put_json_uint(out, r.published);
  put_json_key(out, P1_TEXT("dropped"), first);
  put_json_uint(out, r.dropped);
  if (r.has_heap) {
    put_json_key(out, P1_TEXT("free_heap"), first);
    put_json_uint(out, r.free_heap);
    put_json_key(out, P1_TEXT("min_free_heap"), first);
    put_json_uint(out, r.min_free_heap);
  }
  out.put('}');
  if (out.overflow()) return Error::kOutputTooSmall;
  return out.size();
}

}  // namespace p1

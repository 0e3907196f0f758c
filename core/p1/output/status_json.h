// The status payload (<base>/status and the page's counters), built once for
// the Linux program and the firmware: every stream counter by the same name,
// the delivery figures, and what only a device has (heap). Strings are JSON-
// escaped, so a meter name or a source path cannot break the payload.
#pragma once
#include <cstdint>

#include "p1/base/flash_text.h"
#include "p1/base/result.h"
#include "p1/base/span.h"
#include "p1/pipeline/stream_counters.h"

namespace p1 {

struct StatusReport {
  const char* meter = nullptr;   // the meter's name (Linux), or nullptr
  const char* source = nullptr;  // where its bytes come from, or nullptr
  bool connected = false;        // the source is open
  const StreamCounters* counters = nullptr;
  uint64_t queued = 0;     // messages this meter queued since start
  uint64_t queue = 0;      // messages waiting for the broker now
  uint64_t published = 0;  // messages the broker acknowledged
  uint64_t dropped = 0;    // messages the queue's bound dropped
  bool has_heap = false;   // device: free heap now and its minimum since boot
  uint32_t free_heap = 0;
  uint32_t min_free_heap = 0;
};

// The counters by name, in order, for status lines and tests.
// The table is in flash on the device (words and text only: read through name()).
struct CounterField {
  char name_text[24];
  uint32_t StreamCounters::*member;
  FlashText name() const { return FlashText(name_text); }
};
Span<const CounterField> counter_fields();

Result<size_t> format_status(const StatusReport& report, CharSpan out);

}  // namespace p1

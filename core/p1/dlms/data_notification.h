// The plaintext data-notification APDU:
//   0F, long-invoke-id-and-priority(4), date-time (00 absent | 0C + 12 bytes),
//   body (one A-XDR value, usually a structure)
#pragma once
#include "p1/cosem/layouts/body_layout.h"
#include "p1/cosem/reading.h"

namespace p1 {

constexpr uint8_t kTagDataNotification = 0x0F;

// Decodes `plaintext` into `out` (values are appended; `out` is not cleared).
// `forced_layout` overrides detection when not null.
Error decode_notification(ByteSpan plaintext, const uint8_t system_title[8], const BodyLayout* forced_layout,
                          Reading& out);

}  // namespace p1

// The notification body comes in several layouts (meter-formats.md, "Body
// layouts"). Each layout is one entry in a table: a cheap shape check and a
// decoder. Adding a meter family means adding an entry, not touching the
// A-XDR parser or the pipeline.
#pragma once
#include "p1/dlms/axdr.h"
#include "p1/base/error.h"
#include "p1/base/flash_text.h"
#include "p1/cosem/reading.h"
#include "p1/base/span.h"

namespace p1 {

struct BodyContext {
  ByteSpan body;                  // one validated A-XDR value
  const uint8_t* system_title;    // 8 bytes; first 3 = manufacturer (may be all 0 for plaintext)
};

// The table is in flash on the device: every member is a word (read with
// 32-bit loads); the names stay in RAM (readings carry them), the
// descriptions are FlashText.
struct BodyLayout {
  const char* name;                // used by --profile
  const char* description_text;    // one line for --help and the README: use description()
  bool (*matches)(const BodyLayout& self, const BodyContext& context);
  // Decodes the body from `reader` (positioned at its start) into `out`; the
  // pipeline checks afterwards that the whole body was consumed.
  Error (*decode)(const BodyLayout& self, const BodyContext& context, AxdrReader& reader, Reading& out);
  const void* profile = nullptr;  // layout-specific table (positional profiles)
  FlashText description() const { return FlashText(description_text); }
};

// Manufacturer FLAG id from the system title ("KFM", "ISK"...); "" if unknown.
bool manufacturer_is(const BodyContext& context, const char* ids);

// Describes the body's shape, e.g. "structure(9){octet-string(12), double-long-unsigned x8}",
// for the message when no layout fits. Returns the length written.
size_t describe_body_shape(ByteSpan body, CharSpan out);

// All layouts, in the order they are tried.
Span<const BodyLayout> body_layouts();
const BodyLayout* find_body_layout(const char* name);
// First layout whose shape check accepts the body, or nullptr.
const BodyLayout* detect_body_layout(const BodyContext& context);

}  // namespace p1

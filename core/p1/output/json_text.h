// Writing JSON text into a TextBuffer: strings with every character JSON
// requires escaped, so a meter name, a source path or a message can never
// break a payload. Shared by the status builder, the web exchange and HA
// discovery.
#pragma once
#include <cstdint>

#include "p1/base/text_buffer.h"

namespace p1 {

// "text" with quotes; control characters as \u00XX.
void put_json_string(TextBuffer& out, Span<const char> text);
void put_json_string(TextBuffer& out, const char* text);
// ,"key": (the comma unless `first`; `first` becomes false).
void put_json_key(TextBuffer& out, const char* key, bool& first);
// Constant text (flash on the device): copied out in pieces, then escaped.
void put_json_string(TextBuffer& out, FlashText text);
void put_json_key(TextBuffer& out, FlashText key, bool& first);
void put_json_uint(TextBuffer& out, uint64_t value);
void put_json_int(TextBuffer& out, int64_t value);
void put_json_bool(TextBuffer& out, bool value);

}  // namespace p1

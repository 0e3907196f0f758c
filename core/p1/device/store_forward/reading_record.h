// A reading as a compact record: what the device keeps while the broker is
// away (in RAM, then in a flash journal), instead of the rendered messages.
// Decoding a record gives back the same Reading, so every output mode is
// rendered from it when it is sent. Well-known OBIS codes take one byte,
// integers are varints; an EVN telegram's reading is about 90 bytes.
//
// Record: flags u8 | system title 8 | frame counter varint | security control
//         u8 | layout index u8 | [header date-time 12] | value count u8 |
//         values | [plaintext length varint | plaintext]
// Value:  head u8 (kind 2 bits, negative, short OBIS) | OBIS (1 or 6) |
//         number: scaler i8, unit u8, magnitude varint | text: length
//         varint, bytes | date-time: 12 bytes (the DLMS form)
#pragma once
#include <cstdint>

#include "p1/base/span.h"
#include "p1/cosem/reading.h"

namespace p1 {

// Longest record of a reading of kMaxValues values and a kMaxTelegram
// plaintext; a record is never larger.
constexpr size_t kMaxReadingRecord = 32 + kMaxValues * (2 + 6 + 2 + 10 + 32) + 3 + kMaxTelegram;

// With `with_plaintext` the decrypted APDU comes along (for the raw output).
// Returns the record's length, 0 if `out` is too small.
size_t encode_reading(const Reading& reading, bool with_plaintext, MutableByteSpan out);
// Fills `out` from a record; strings and the plaintext point into `record`.
bool decode_reading(ByteSpan record, Reading& out);

}  // namespace p1

// EN 13757-3 data records, read one at a time from the (decrypted) data of
// an M-Bus telegram: DIF [DIFE...] VIF [VIFE...] data. Generic: the data
// field's length and coding come from the DIF, storage number, tariff and
// subunit from the DIFE chain, and the VIF chain is kept as sent for the VIF
// tables (vif_table.h) to interpret. 0x2F idle fillers are skipped; DIF 0x0F
// / 0x1F (manufacturer-specific data to the end) ends the records.
#pragma once
#include <cstdint>

#include "p1/base/error.h"
#include "p1/base/span.h"

namespace p1 {

enum class MbusCoding : uint8_t {
  kNone,      // DIF data field 0 / 8: no data
  kInteger,   // type B, 1 2 3 4 6 8 bytes, signed, little-endian
  kBcd,       // type A, 2 4 6 8 12 digits
  kReal,      // type H, IEEE 754 single precision
  kVariable,  // DIF 0x_D: LVAR byte, then text, BCD or binary
};

struct MbusRecord {
  static constexpr size_t kMaxExtensions = 10;  // DIFEs and VIFEs each (EN 13757-3)

  uint8_t dif = 0;
  uint8_t function = 0;  // 0 instantaneous, 1 maximum, 2 minimum, 3 value during error
  uint32_t storage = 0;
  uint16_t tariff = 0;
  uint16_t subunit = 0;
  MbusCoding coding = MbusCoding::kNone;
  // The VIF and its VIFEs as sent (extension bits included).
  uint8_t vif[1 + kMaxExtensions] = {};
  size_t vif_size = 0;
  MutableByteSpan data;  // the data field (variable length: without the LVAR byte)
  uint8_t lvar = 0;      // kVariable: the LVAR byte
};

class MbusRecordReader {
 public:
  explicit MbusRecordReader(MutableByteSpan records) : rest_(records) {}
  // The next record into `out`; `done` true (and kNone) at the end. An
  // error stops the reading (the rest cannot be found without this length).
  Error next(MbusRecord& out, bool& done);

 private:
  MutableByteSpan rest_;
};

}  // namespace p1

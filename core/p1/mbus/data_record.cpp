#include "p1/mbus/data_record.h"

namespace p1 {

namespace {
constexpr uint8_t kExtension = 0x80;
constexpr uint8_t kIdleFiller = 0x2F;
constexpr uint8_t kManufacturerData = 0x0F;      // manufacturer-specific data to the end
constexpr uint8_t kManufacturerDataMore = 0x1F;  // the same, more records in the next telegram
constexpr uint8_t kGlobalReadout = 0x7F;
constexpr uint8_t kVifPlainText = 0x7C;          // the unit follows as text: LEN + ASCII

// Data field bytes and coding from the DIF's low nibble.
bool data_field(uint8_t code, size_t& length, MbusCoding& coding) {
  static constexpr uint8_t kLength[16] = {0, 1, 2, 3, 4, 4, 6, 8, 0, 1, 2, 3, 4, 0, 6, 0};
  length = kLength[code];
  switch (code) {
    case 0x0: case 0x8: coding = MbusCoding::kNone; return true;
    case 0x5: coding = MbusCoding::kReal; return true;
    case 0x9: case 0xA: case 0xB: case 0xC: case 0xE: coding = MbusCoding::kBcd; return true;
    case 0xD: coding = MbusCoding::kVariable; return true;
    case 0xF: return false;  // special functions, handled before
    default: coding = MbusCoding::kInteger; return true;
  }
}

// Bytes of a variable-length data field after the LVAR byte.
bool variable_length(uint8_t lvar, size_t& length) {
  if (lvar <= 0xBF) length = lvar;                           // text
  else if (lvar <= 0xCF) length = lvar - 0xC0;               // positive BCD, 2 digits a byte
  else if (lvar <= 0xDF) length = lvar - 0xD0;               // negative BCD
  else if (lvar <= 0xEF) length = lvar - 0xE0;               // binary number
  else if (lvar <= 0xFA) length = 16 + 4 * (lvar - 0xF0);    // binary number, 16..56 bytes
  else return false;                                         // reserved
  return true;
}
}  // namespace

Error MbusRecordReader::next(MbusRecord& out, bool& done) {
  done = false;
  while (!rest_.empty() && rest_[0] == kIdleFiller) rest_ = rest_.subspan(1);
  if (rest_.empty() || rest_[0] == kManufacturerData || rest_[0] == kManufacturerDataMore) {
    rest_ = MutableByteSpan();
    done = true;
    return Error::kNone;
  }
  out = MbusRecord();
  size_t at = 0;
  const uint8_t dif = rest_[at++];
  if ((dif & 0x0F) == 0x0F && dif != kGlobalReadout) return Error::kMbusRecordMalformed;  // reserved
  out.dif = dif;
  out.function = static_cast<uint8_t>(dif >> 4 & 0x03);
  out.storage = dif >> 6 & 0x01;
  uint8_t last = dif;
  for (size_t n = 0; last & kExtension; ++n) {
    if (n == MbusRecord::kMaxExtensions) return Error::kMbusRecordMalformed;
    if (at >= rest_.size()) return Error::kMbusRecordTruncated;
    last = rest_[at++];
    // Ten DIFEs carry 41 storage bits and 20 tariff bits: what does not fit
    // the fields saturates them (no OBIS code has such numbers anyway).
    uint64_t storage = out.storage | static_cast<uint64_t>(last & 0x0F) << (1 + 4 * n);
    out.storage = storage > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(storage);
    uint32_t tariff = out.tariff | static_cast<uint32_t>(last >> 4 & 0x03) << (2 * n);
    out.tariff = tariff > UINT16_MAX ? UINT16_MAX : static_cast<uint16_t>(tariff);
    out.subunit = static_cast<uint16_t>(out.subunit | (last >> 6 & 0x01) << n);
  }
  if (dif == kGlobalReadout) {  // a readout request carries no VIF or data
    rest_ = rest_.subspan(at);
    return Error::kNone;
  }
  // VIF, then VIFEs while the extension bit is set; 0xFB/0xFD bring the
  // true VIF in the next byte, which counts as one of the extensions.
  do {
    if (out.vif_size == sizeof out.vif) return Error::kMbusRecordMalformed;
    if (at >= rest_.size()) return Error::kMbusRecordTruncated;
    out.vif[out.vif_size++] = rest_[at++];
  } while (out.vif[out.vif_size - 1] & kExtension);
  size_t length = 0;
  if (!data_field(dif & 0x0F, length, out.coding)) return Error::kMbusRecordMalformed;
  if ((out.vif[0] & 0x7F) == kVifPlainText) {
    // The unit as text (length, ASCII) sits between the VIF chain and the data.
    if (at >= rest_.size()) return Error::kMbusRecordTruncated;
    size_t text = rest_[at++];
    if (rest_.size() - at < text) return Error::kMbusRecordTruncated;
    at += text;
  }
  if (out.coding == MbusCoding::kVariable) {
    if (at >= rest_.size()) return Error::kMbusRecordTruncated;
    out.lvar = rest_[at++];
    if (!variable_length(out.lvar, length)) return Error::kMbusRecordMalformed;
  }
  if (rest_.size() - at < length) return Error::kMbusRecordTruncated;
  out.data = rest_.subspan(at, length);
  rest_ = rest_.subspan(at + length);
  return Error::kNone;
}

}  // namespace p1

#include "p1/mbus/record_value.h"

namespace p1 {

namespace {
Error bcd(ByteSpan data, bool allow_sign, MbusNumber& out) {
  uint64_t v = 0;
  for (size_t i = data.size(); i-- > 0;) {
    uint8_t hi = data[i] >> 4, lo = data[i] & 0x0F;
    // EN 13757-3 annex B: an F in the most significant digit is a minus sign.
    if (i == data.size() - 1 && hi == 0x0F && allow_sign) {
      out.negative = true;
      hi = 0;
    }
    if (hi > 9 || lo > 9) return Error::kMbusRecordMalformed;
    v = v * 100 + hi * 10 + lo;
  }
  out.magnitude = v;
  return Error::kNone;
}

Error binary(ByteSpan data, MbusNumber& out) {
  if (data.size() > 8) return Error::kMbusRecordMalformed;
  if (data.empty()) return Error::kNone;
  uint64_t v = 0;
  for (size_t i = data.size(); i-- > 0;) v = v << 8 | data[i];
  // Type B is two's complement over the field's width.
  if (data[data.size() - 1] & 0x80) {
    uint64_t mask = data.size() == 8 ? ~0ull : (1ull << (8 * data.size())) - 1;
    out.negative = true;
    out.magnitude = ((~v) & mask) + 1;
  } else {
    out.magnitude = v;
  }
  return Error::kNone;
}

// A single-precision real as at most 7 significant decimal digits (what a
// float holds), in integer arithmetic: the value is never printed through
// binary floating point, and the device's toolchain has no <cmath>.
Error real(ByteSpan data, MbusNumber& out) {
  const uint32_t bits = static_cast<uint32_t>(data[0] | data[1] << 8 | data[2] << 16) |
                        static_cast<uint32_t>(data[3]) << 24;
  const uint32_t exponent = bits >> 23 & 0xFF;
  const uint32_t fraction = bits & 0x7FFFFF;
  if (exponent == 0xFF) return Error::kMbusRecordMalformed;  // infinity, NaN
  if (exponent == 0 && fraction == 0) return Error::kNone;
  // value = m * 2^e2 = m * 10^scaler at the end
  uint64_t m = exponent == 0 ? fraction : fraction | 1u << 23;
  int e2 = exponent == 0 ? -149 : static_cast<int>(exponent) - 150;
  int scaler = 0;
  while (e2 > 0) {
    if (m < (1ull << 62)) {
      m <<= 1;
      --e2;
    } else {
      m = (m + 5) / 10;
      ++scaler;
    }
  }
  while (e2 < 0) {
    if (m < (1ull << 59)) {
      m *= 10;
      --scaler;
    } else {
      m = (m + 1) >> 1;
      ++e2;
    }
  }
  while (m >= 10000000) {
    m = (m + 5) / 10;
    ++scaler;
  }
  while (m != 0 && m % 10 == 0) {
    m /= 10;
    ++scaler;
  }
  out.negative = (bits >> 31) != 0;
  out.magnitude = m;
  out.scaler = static_cast<int8_t>(scaler);
  return Error::kNone;
}

bool in_range(unsigned v, unsigned lo, unsigned hi) { return v >= lo && v <= hi; }

// The two-digit year of types F, G and I: a century is not sent (type F's
// "hundred years" bits are 0 on every meter seen), so 81..99 are 19xx.
uint16_t full_year(unsigned year) { return static_cast<uint16_t>(year < 81 ? 2000 + year : 1900 + year); }
}  // namespace

Error record_number(MbusRecord& r, MbusNumber& out, bool& is_text) {
  out = MbusNumber();
  is_text = false;
  switch (r.coding) {
    case MbusCoding::kNone: return Error::kMbusRecordMalformed;
    case MbusCoding::kInteger: return binary(r.data, out);
    case MbusCoding::kBcd: return bcd(r.data, true, out);
    case MbusCoding::kReal: return real(r.data, out);
    case MbusCoding::kVariable:
      break;
  }
  if (r.lvar <= 0xBF) {
    // Text is sent last character first.
    for (size_t i = 0, j = r.data.size(); i + 1 < j; ++i, --j) {
      uint8_t t = r.data[i];
      r.data[i] = r.data[j - 1];
      r.data[j - 1] = t;
    }
    is_text = true;
    return Error::kNone;
  }
  if (r.lvar <= 0xDF) {
    if (r.data.size() > 9) return Error::kMbusRecordMalformed;  // 18 digits fit 64 bits
    Error e = bcd(r.data, false, out);
    out.negative = r.lvar >= 0xD0;
    return e;
  }
  return binary(r.data, out);
}

Error record_date_time(const MbusRecord& r, DlmsDateTime& out) {
  out = DlmsDateTime();
  out.deviation = DlmsDateTime::kDeviationUnspecified;
  const ByteSpan d = r.data;
  if (r.coding == MbusCoding::kInteger && d.size() == 2) {  // type G: date
    out.day = d[0] & 0x1F;
    out.month = d[1] & 0x0F;
    out.year = full_year((d[0] >> 5) | (d[1] >> 4) << 3);
    out.weekday = 0xFF;
    out.hour = out.minute = out.second = 0xFF;
    out.hundredths = 0xFF;
    if (!in_range(out.day, 1, 31) || !in_range(out.month, 1, 12)) return Error::kDateTimeInvalid;
    return Error::kNone;
  }
  size_t at = 0;
  if (r.coding == MbusCoding::kInteger && d.size() == 6) {  // type I: seconds first
    out.second = d[0] & 0x3F;
    at = 1;
  } else if (r.coding == MbusCoding::kInteger && d.size() == 4) {  // type F: from the minute
    out.second = 0;
  } else {
    return Error::kDateTimeInvalid;
  }
  if (d[at] & 0x80) return Error::kDateTimeInvalid;  // IV: the meter says its time is invalid
  out.minute = d[at] & 0x3F;
  out.hour = d[at + 1] & 0x1F;
  out.day = d[at + 2] & 0x1F;
  out.month = d[at + 3] & 0x0F;
  out.year = full_year((d[at + 2] >> 5) | (d[at + 3] >> 4) << 3);
  // Type I carries the day of the week (1 = Monday) in the hour byte.
  out.weekday = at == 1 && (d[at + 1] >> 5) != 0 ? static_cast<uint8_t>(d[at + 1] >> 5) : 0xFF;
  out.hundredths = 0;
  if (out.second > 59 || out.minute > 59 || out.hour > 23 || !in_range(out.day, 1, 31) ||
      !in_range(out.month, 1, 12)) {
    return Error::kDateTimeInvalid;
  }
  return Error::kNone;
}

}  // namespace p1

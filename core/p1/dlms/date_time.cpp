#include "p1/dlms/date_time.h"

namespace p1 {

namespace {

bool time_fields_valid(const DlmsDateTime& t) {
  return (t.hour < 24 || t.hour == 0xFF) && (t.minute < 60 || t.minute == 0xFF) &&
         (t.second < 60 || t.second == 0xFF) && (t.hundredths < 100 || t.hundredths == 0xFF);
}

bool date_fields_valid(const DlmsDateTime& t) {
  return (t.month >= 1 && (t.month <= 12 || t.month >= 0xFD)) && (t.day >= 1 && (t.day <= 31 || t.day >= 0xFD));  // weekday is not checked: meters send 0 as often as 0xFF
}

char* two_digits(char* out, unsigned value) {
  out[0] = static_cast<char>('0' + value / 10 % 10);
  out[1] = static_cast<char>('0' + value % 10);
  return out + 2;
}

// Unspecified (0xFF) clock fields print as 0.
unsigned or_zero(uint8_t v) { return v == 0xFF ? 0 : v; }

}  // namespace

DlmsDateTime DlmsDateTime::from_bytes(const uint8_t b[kSize]) {
  DlmsDateTime t;
  t.year = static_cast<uint16_t>(b[0] << 8 | b[1]);
  t.month = b[2];
  t.day = b[3];
  t.weekday = b[4];
  t.hour = b[5];
  t.minute = b[6];
  t.second = b[7];
  t.hundredths = b[8];
  t.deviation = static_cast<int16_t>(static_cast<uint16_t>(b[9] << 8 | b[10]));
  t.status = b[11];
  return t;
}

void DlmsDateTime::to_bytes(uint8_t out[kSize]) const {
  const uint8_t b[kSize] = {static_cast<uint8_t>(year >> 8), static_cast<uint8_t>(year), month, day, weekday, hour,
                            minute, second, hundredths, static_cast<uint8_t>(static_cast<uint16_t>(deviation) >> 8),
                            static_cast<uint8_t>(deviation), status};
  for (size_t i = 0; i < kSize; ++i) out[i] = b[i];
}

bool DlmsDateTime::parse(ByteSpan b, DlmsDateTime& out) {
  if (b.size() != kSize) return false;
  DlmsDateTime t = from_bytes(b.data());
  if (!date_fields_valid(t) || !time_fields_valid(t)) return false;
  if (t.has_offset() && (t.deviation < -840 || t.deviation > 720)) return false;
  out = t;
  return true;
}

bool DlmsDateTime::parse_time(ByteSpan b, DlmsDateTime& out) {
  if (b.size() != 4) return false;
  DlmsDateTime t = out;
  t.hour = b[0];
  t.minute = b[1];
  t.second = b[2];
  t.hundredths = b[3];
  if (!time_fields_valid(t)) return false;
  out = t;
  return true;
}

bool DlmsDateTime::parse_date(ByteSpan b, DlmsDateTime& out) {
  if (b.size() != 5) return false;
  DlmsDateTime t = out;
  t.year = static_cast<uint16_t>(b[0] << 8 | b[1]);
  t.month = b[2];
  t.day = b[3];
  t.weekday = b[4];
  if (!date_fields_valid(t)) return false;
  out = t;
  return true;
}

bool DlmsDateTime::to_seconds(int64_t& out) const {
  int64_t seconds = 0;
  if (!to_local_seconds(seconds)) return false;
  if (has_offset()) seconds += static_cast<int64_t>(deviation) * 60;  // local = UTC - deviation
  out = seconds;
  return true;
}

bool DlmsDateTime::to_local_seconds(int64_t& out) const {
  if (!has_date() || year < 2000 || hour > 23 || minute > 59 || second > 59) return false;
  if (status & kStatusInvalid) return false;
  // Days since 2000-01-01 (proleptic Gregorian; "days from civil").
  int64_t y = static_cast<int64_t>(year) - (month <= 2 ? 1 : 0);
  int64_t era = y / 400;
  int64_t yoe = y - era * 400;
  int64_t mp = (month + 9) % 12;
  int64_t doy = (153 * mp + 2) / 5 + day - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  int64_t days = era * 146097 + doe - 730425;  // 730425: days from 0000-03-01 to 2000-01-01
  out = days * 86400 + hour * 3600 + minute * 60 + second;
  return true;
}

DlmsDateTime DlmsDateTime::from_seconds(int64_t seconds, int16_t deviation) {
  if (deviation != kDeviationUnspecified) seconds -= static_cast<int64_t>(deviation) * 60;
  int64_t days = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
  int64_t rest = seconds - days * 86400;
  // "Civil from days" (the inverse of the computation in to_seconds).
  int64_t z = days + 730425;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t month = mp < 10 ? mp + 3 : mp - 9;
  DlmsDateTime t;
  t.year = static_cast<uint16_t>(yoe + era * 400 + (month <= 2 ? 1 : 0));
  t.month = static_cast<uint8_t>(month);
  t.day = static_cast<uint8_t>(doy - (153 * mp + 2) / 5 + 1);
  int64_t weekday = (days + 5) % 7;  // 2000-01-01 was a Saturday (DLMS: 1 = Monday)
  t.weekday = static_cast<uint8_t>((weekday < 0 ? weekday + 7 : weekday) + 1);
  t.hour = static_cast<uint8_t>(rest / 3600);
  t.minute = static_cast<uint8_t>(rest / 60 % 60);
  t.second = static_cast<uint8_t>(rest % 60);
  t.hundredths = 0;
  t.deviation = deviation;
  t.status = 0;
  return t;
}

size_t DlmsDateTime::to_iso(char* out) const {
  if (!has_date()) return 0;
  char* p = out;
  *p++ = static_cast<char>('0' + year / 1000 % 10);
  *p++ = static_cast<char>('0' + year / 100 % 10);
  p = two_digits(p, year % 100);
  *p++ = '-';
  p = two_digits(p, month);
  *p++ = '-';
  p = two_digits(p, day);
  *p++ = 'T';
  p = two_digits(p, or_zero(hour));
  *p++ = ':';
  p = two_digits(p, or_zero(minute));
  *p++ = ':';
  p = two_digits(p, or_zero(second));
  if (has_offset()) {
    int offset = -deviation;  // minutes east of UTC
    *p++ = offset < 0 ? '-' : '+';
    unsigned abs = static_cast<unsigned>(offset < 0 ? -offset : offset);
    p = two_digits(p, abs / 60);
    *p++ = ':';
    p = two_digits(p, abs % 60);
  }
  return static_cast<size_t>(p - out);
}

}  // namespace p1

#include "p1/cosem/layouts/dsmr_text.h"

#include <cstdint>
#include <cstring>

#include "p1/base/hex.h"
#include "p1/framing/crc16.h"

namespace p1 {

namespace {

int hex_digit(uint8_t c) {
  uint8_t v = hex_class(c);
  return v < 16 ? v : -1;
}

bool is_digit(uint8_t c) { return c >= '0' && c <= '9'; }

// "A-B:C.D.E" with optional "*F" or ".F"; F defaults to 255.
bool parse_obis(ByteSpan s, Obis& obis) {
  int part = 0;
  unsigned value = 0;
  bool have = false;
  uint8_t parts[6] = {0, 0, 0, 0, 0, 255};
  for (uint8_t c : s) {
    if (is_digit(c)) {
      value = value * 10 + (c - '0');
      if (value > 255) return false;
      have = true;
      continue;
    }
    bool separator = (part == 0 && c == '-') || (part == 1 && c == ':') || ((part == 2 || part == 3) && c == '.') ||
                     (part == 4 && (c == '*' || c == '.'));
    if (!separator || !have) return false;
    parts[part++] = static_cast<uint8_t>(value);
    value = 0;
    have = false;
  }
  if (!have || part < 4) return false;
  parts[part] = static_cast<uint8_t>(value);
  std::memcpy(obis.v, parts, 6);
  return true;
}

struct UnitMap {
  const char* text;
  uint8_t unit;
  int8_t scaler;  // added to the decimal scaler
};
const UnitMap kUnits[] = {
    {"kWh", 30, 3}, {"Wh", 30, 0}, {"kW", 27, 3},   {"W", 27, 0},   {"kvarh", 32, 3}, {"varh", 32, 0},
    {"kvar", 29, 3}, {"var", 29, 0}, {"V", 35, 0}, {"A", 33, 0}, {"Hz", 44, 0},
};

bool text_equals(ByteSpan s, const char* text) {
  size_t n = std::strlen(text);
  return s.size() == n && std::memcmp(s.data(), text, n) == 0;
}

enum class NumberText { kNumber, kNotNumber, kOutOfRange };

// "00014159.934*kWh" -> magnitude 14159934, scaler 0, unit Wh.
NumberText parse_number(ByteSpan s, ReadingValue& value) {
  size_t i = 0;
  bool negative = false;
  if (i < s.size() && s[i] == '-') {
    negative = true;
    ++i;
  }
  uint64_t magnitude = 0;
  int fraction = -1;
  size_t digits = 0;
  for (; i < s.size(); ++i) {
    uint8_t c = s[i];
    if (is_digit(c)) {
      if (magnitude > (UINT64_MAX - 9) / 10) return NumberText::kNotNumber;
      magnitude = magnitude * 10 + (c - '0');
      ++digits;
      if (fraction >= 0) ++fraction;
    } else if (c == '.' && fraction < 0) {
      fraction = 0;
    } else {
      break;
    }
  }
  if (digits == 0) return NumberText::kNotNumber;
  int scaler = fraction > 0 ? -fraction : 0;
  uint8_t unit = 0;
  if (i < s.size()) {
    if (s[i] != '*') return NumberText::kNotNumber;
    ByteSpan unit_text = s.subspan(i + 1);
    bool known = false;
    for (const UnitMap& u : kUnits) {
      if (text_equals(unit_text, u.text)) {
        unit = u.unit;
        scaler += u.scaler;
        known = true;
        break;
      }
    }
    if (!known) unit = 255;
  }
  // A reading's scaler is an int8: more decimals than that are exact only if
  // they are trailing zeros, else the value is refused (never wrapped into a
  // wrong power of ten).
  while (scaler < INT8_MIN && magnitude % 10 == 0) {
    magnitude /= 10;
    ++scaler;
  }
  if (scaler < INT8_MIN) return NumberText::kOutOfRange;
  value.kind = ReadingValue::Kind::kNumber;
  value.negative = negative;
  value.magnitude = magnitude;
  value.scaler = static_cast<int8_t>(scaler);
  value.unit = unit;
  return NumberText::kNumber;
}

// "210929114730S": YYMMDDhhmmss and S (summer, UTC+2) / W (winter, UTC+1).
bool parse_timestamp(ByteSpan s, DlmsDateTime& t) {
  if (s.size() != 13) return false;
  for (size_t i = 0; i < 12; ++i) {
    if (!is_digit(s[i])) return false;
  }
  auto two = [&](size_t at) { return static_cast<uint8_t>((s[at] - '0') * 10 + (s[at + 1] - '0')); };
  DlmsDateTime d;
  d.year = static_cast<uint16_t>(2000 + two(0));
  d.month = two(2);
  d.day = two(4);
  d.weekday = 0xFF;
  d.hour = two(6);
  d.minute = two(8);
  d.second = two(10);
  d.hundredths = 0xFF;
  if (s[12] == 'S') {
    d.deviation = -120;
    d.status = DlmsDateTime::kStatusDaylightSaving;
  } else if (s[12] == 'W') {
    d.deviation = -60;
    d.status = 0;
  } else {
    return false;
  }
  if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > 31 || d.hour > 23 || d.minute > 59 || d.second > 59) {
    return false;
  }
  t = d;
  return true;
}

}  // namespace

Error decode_dsmr(ByteSpan text, Reading& out) {
  if (text.empty() || text[0] != kDsmrStart) return Error::kNotDataNotification;
  const void* bang = std::memchr(text.data(), '!', text.size());
  if (bang == nullptr) return Error::kDsmrCrc;
  size_t end = static_cast<size_t>(static_cast<const uint8_t*>(bang) - text.data());
  if (text.size() < end + 5) return Error::kDsmrCrc;
  int crc_sent = 0;
  for (size_t i = 1; i <= 4; ++i) {
    int d = hex_digit(text[end + i]);
    if (d < 0) return Error::kDsmrCrc;
    crc_sent = crc_sent << 4 | d;
  }
  if (crc16_arc(text.first(end + 1)) != crc_sent) return Error::kDsmrCrc;

  // Lines between the header line and '!'.
  size_t pos = 0;
  while (pos < end && text[pos] != '\n') ++pos;
  while (pos < end) {
    size_t line_start = ++pos;
    while (pos < end && text[pos] != '\n') ++pos;
    ByteSpan line = text.subspan(line_start, pos - line_start);
    while (!line.empty() && (line[line.size() - 1] == '\r' || line[line.size() - 1] == ' ')) {
      line = line.first(line.size() - 1);
    }
    if (line.empty()) continue;
    const void* open = std::memchr(line.data(), '(', line.size());
    if (open == nullptr) continue;
    size_t paren = static_cast<size_t>(static_cast<const uint8_t*>(open) - line.data());
    ReadingValue value;
    NumberText number = NumberText::kNotNumber;
    if (!parse_obis(line.first(paren), value.obis)) continue;
    // The value is the last "(...)" group (gas lines carry a time stamp first).
    size_t last_open = line.size();
    while (last_open > paren && line[last_open - 1] != '(') --last_open;
    if (line[line.size() - 1] != ')' || last_open <= paren) continue;
    ByteSpan content = line.subspan(last_open, line.size() - 1 - last_open);
    if (value.obis == obis::kClock && parse_timestamp(content, value.time)) {
      value.kind = ReadingValue::Kind::kDateTime;
    } else if (value.obis.v[0] != 0 && value.obis.v[2] != 0 && value.obis.v[2] != 96 &&
               (number = parse_number(content, value)) != NumberText::kNotNumber) {
      // Measurement registers are numbers; C = 0 and C = 96 are identifiers
      // and versions ("1-3:0.2.8(50)"), kept as text.
      if (number == NumberText::kOutOfRange) return Error::kValueOutOfRange;
    } else {
      value.kind = ReadingValue::Kind::kText;
      value.text = content;
    }
    Error e = out.add(value);
    if (e != Error::kNone) return e;
  }
  out.layout = kDsmrLayout;
  return Error::kNone;
}

}  // namespace p1

#include <cstring>

#include "p1/output/exact_decimal.h"

#include "p1/cosem/layouts/layout_entry_points.h"
#include "p1/cosem/layouts/positional_profiles.h"
#include "p1/base/flash_text.h"
#include "p1/base/text_buffer.h"

namespace p1 {

namespace {
// Tried in this order. The shape checks are disjoint for the known families
// except that a positional body with a list id (Kärnten) also looks like flat
// OBIS/value pairs, so the specific positional profiles come before the
// generic flat walk.
// The descriptions are only for people (probe, --help): flash on the device.
const char kEvnText[] P1_FLASH_DATA = "EVN/Netz NÖ: date-time, flat OBIS/value/{scaler,unit} triples, meter number";
const char kKsmWestText[] P1_FLASH_DATA = "TINETZ, Salzburg, Vorarlberg, IKB: {OBIS, value, {scaler, unit}} structures";
const char kWienerNetzeText[] P1_FLASH_DATA = "Wiener Netze (AM550, E450): date-time, +A -A +R -R +P -P +Q -Q";
const char kWienerNetzeIm350Text[] P1_FLASH_DATA =
    "Wiener Netze (Siemens IM350): meter number, date-time, +A -A +R -R +P -P +Q -Q";
const char kKaerntenNetzText[] P1_FLASH_DATA =
    "Kärnten Netz, Wels: list 0.6.25.9.0.255, meter number, time, date, +A -A +R -R +P -P";
const char kNetzBurgenlandText[] P1_FLASH_DATA =
    "Netz Burgenland (E450): U1-3, I1-3, +P -P, +A -A, angles, meter number";
const char kObisFlatText[] P1_FLASH_DATA = "flat OBIS/value pairs without scaler (E450, Kamstrup)";
const char kCaptureListText[] P1_FLASH_DATA = "push list with its own capture-object list";

// Every member is a word: the table is read from flash with 32-bit loads.
const BodyLayout kLayouts[] P1_FLASH_DATA = {
    {"evn", kEvnText, evn_matches, flat_tagged_decode},
    {"ksm-west", kKsmWestText, ksm_west_matches, ksm_west_decode},
    {"wiener-netze", kWienerNetzeText, positional_matches, positional_decode, &kWienerNetzeProfile},
    {"wiener-netze-im350", kWienerNetzeIm350Text, positional_matches, positional_decode, &kWienerNetzeIm350Profile},
    {"kaernten-netz", kKaerntenNetzText, positional_matches, positional_decode, &kKaerntenNetzProfile},
    {"netz-burgenland", kNetzBurgenlandText, positional_matches, positional_decode, &kNetzBurgenlandProfile},
    {"obis-flat", kObisFlatText, obis_flat_matches, flat_tagged_decode},
    {"capture-list", kCaptureListText, capture_list_matches, capture_list_decode},
};
}  // namespace

Span<const BodyLayout> body_layouts() { return Span<const BodyLayout>(kLayouts); }

const BodyLayout* find_body_layout(const char* name) {
  for (const BodyLayout& layout : kLayouts) {
    if (std::strcmp(layout.name, name) == 0) return &layout;
  }
  return nullptr;
}

const BodyLayout* detect_body_layout(const BodyContext& context) {
  for (const BodyLayout& layout : kLayouts) {
    if (layout.matches(layout, context)) return &layout;
  }
  return nullptr;
}

bool manufacturer_is(const BodyContext& context, const char* ids) {
  if (ids == nullptr || ids[0] == '\0') return true;
  const uint8_t* t = context.system_title;
  if (t == nullptr || (t[0] == 0 && t[1] == 0 && t[2] == 0)) return true;  // plaintext: unknown maker
  for (const char* p = ids; p[0] != '\0'; p += (p[3] == ' ' ? 4 : 3)) {
    if (p[0] == t[0] && p[1] == t[1] && p[2] == t[2]) return true;
    if (p[3] == '\0') break;
  }
  return false;
}

namespace {
const char* type_name(AxdrType type) {
  switch (type) {
    case AxdrType::kNull: return "null";
    case AxdrType::kArray: return "array";
    case AxdrType::kStructure: return "structure";
    case AxdrType::kBoolean: return "boolean";
    case AxdrType::kBitString: return "bit-string";
    case AxdrType::kDoubleLong: return "double-long";
    case AxdrType::kDoubleLongUnsigned: return "double-long-unsigned";
    case AxdrType::kOctetString: return "octet-string";
    case AxdrType::kVisibleString: return "visible-string";
    case AxdrType::kUtf8String: return "utf8-string";
    case AxdrType::kBcd: return "bcd";
    case AxdrType::kInteger: return "integer";
    case AxdrType::kLong: return "long";
    case AxdrType::kUnsigned: return "unsigned";
    case AxdrType::kLongUnsigned: return "long-unsigned";
    case AxdrType::kLong64: return "long64";
    case AxdrType::kLong64Unsigned: return "long64-unsigned";
    case AxdrType::kEnum: return "enum";
    case AxdrType::kFloat32: return "float32";
    case AxdrType::kFloat64: return "float64";
    case AxdrType::kDateTime: return "date-time";
    case AxdrType::kDate: return "date";
    case AxdrType::kTime: return "time";
  }
  return "?";
}

void put_number(TextBuffer& out, uint32_t n) {
  char digits[kUintTextMax];
  out.put(digits, format_uint(n, digits));
}

// Writes one value; containers recurse (bounded by the A-XDR depth limit).
// Runs of the same primitive type are folded: "double-long-unsigned x8".
void describe_value(AxdrReader& reader, TextBuffer& out, size_t depth) {
  auto token = reader.next();
  if (!token) {
    out.put("<truncated>");
    return;
  }
  out.put(type_name(token->type));
  if (token->is_string()) {
    out.put('(');
    put_number(out, token->count);
    out.put(')');
  }
  if (!token->is_container()) return;
  out.put('(');
  put_number(out, token->count);
  out.put(")", 1);
  if (depth >= kMaxAxdrDepth) return;
  out.put('{');
  for (uint32_t i = 0; i < token->count && !out.overflow(); ++i) {
    if (i > 0) out.put(", ");
    auto next = reader.peek();
    if (next && !next->is_container() && !next->is_string()) {
      // Fold a run of identical primitive types.
      uint32_t run = 1;
      reader.next();
      while (i + run < token->count) {
        auto again = reader.peek();
        if (!again || again->type != next->type) break;
        reader.next();
        ++run;
      }
      out.put(type_name(next->type));
      if (run > 1) {
        out.put(" x");
        put_number(out, run);
      }
      i += run - 1;
      continue;
    }
    describe_value(reader, out, depth + 1);
  }
  out.put('}');
}
}  // namespace

size_t describe_body_shape(ByteSpan body, CharSpan buffer) {
  TextBuffer out(buffer);
  AxdrReader reader(body);
  describe_value(reader, out, 0);
  if (out.overflow()) {
    // Keep what fits, marked as cut.
    size_t n = buffer.size();
    if (n >= 3) buffer[n - 3] = buffer[n - 2] = buffer[n - 1] = '.';
    return n;
  }
  return out.size();
}

}  // namespace p1

#include "p1/probe/line_probe.h"

#include <cstring>

#include "p1/base/hex.h"
#include "p1/cosem/layouts/body_layout.h"
#include "p1/output/exact_decimal.h"

namespace p1 {

void LineProbe::begin(const MeterStream& stream) {
  start_ = stream.counters();
  seen_ = LineObservation();
}

void LineProbe::on_event(const StreamEvent& event, const MeterStream& stream) {
  if (stream.framing() != Framing::kNone && seen_.framing == Framing::kNone &&
      stream.counters().frames > start_.frames) {
    seen_.framing = stream.framing();
  }
  const Reading& r = stream.reading();
  // The ciphering header is known even when decryption fails.
  if (!seen_.has_title && (event.kind == StreamEvent::Kind::kReading || stage_of(event.error) == Stage::kSecurity ||
                           stage_of(event.error) == Stage::kApdu || stage_of(event.error) == Stage::kBody)) {
    static const uint8_t kZero[8] = {};
    if (std::memcmp(r.system_title, kZero, sizeof kZero) != 0 || r.security_control != 0) {
      seen_.has_title = true;
      std::memcpy(seen_.system_title, r.system_title, sizeof seen_.system_title);
      seen_.security_control = r.security_control;
    }
  }
  if (event.kind == StreamEvent::Kind::kReading) {
    if (seen_.layout == nullptr) seen_.layout = r.layout;
  } else if (event.kind == StreamEvent::Kind::kError && seen_.first_error == Error::kNone) {
    seen_.first_error = event.error;
  }
}

LineObservation LineProbe::observation(const MeterStream& stream) const {
  const StreamCounters& c = stream.counters();
  LineObservation o = seen_;
  o.bytes = c.bytes - start_.bytes;
  o.frames = c.frames - start_.frames;
  o.checksum_errors = c.checksum_errors - start_.checksum_errors;
  o.telegrams = c.telegrams - start_.telegrams;
  o.readings = c.readings - start_.readings;
  o.decrypt_errors = c.decrypt_errors - start_.decrypt_errors;
  o.auth_errors = c.auth_errors - start_.auth_errors;
  o.decode_errors = c.decode_errors - start_.decode_errors;
  o.refused = (c.insecure_refused - start_.insecure_refused) + (c.frame_counter_repeats - start_.frame_counter_repeats);
  if (o.framing == Framing::kNone && o.frames > 0) o.framing = stream.framing();
  return o;
}

LineVerdict judge(const LineObservation& s) {
  if (s.readings > 0) return LineVerdict::kReadings;
  if (s.bytes == 0) return LineVerdict::kNothing;
  if (s.frames == 0 && s.telegrams == 0) return LineVerdict::kNoise;
  if (s.telegrams == 0) return LineVerdict::kFramesOnly;
  if (s.auth_errors > 0) return LineVerdict::kWrongAuthKey;
  if (s.first_error == Error::kMissingKey) return LineVerdict::kNeedsKey;
  if (s.decrypt_errors > 0) return LineVerdict::kWrongKey;
  if (s.refused > 0) return LineVerdict::kRefused;
  return LineVerdict::kUnknownLayout;
}

const char* explain(LineVerdict v) {
  switch (v) {
    case LineVerdict::kNothing: return "no bytes";
    case LineVerdict::kNoise: return "bytes, but no valid frame: not this speed or parity (or a noisy line)";
    case LineVerdict::kFramesOnly: return "valid frames, but no complete telegram: frames get lost or cut short";
    case LineVerdict::kNeedsKey:
      return "encrypted telegrams: give the key (from your grid operator's customer portal) with --key";
    case LineVerdict::kWrongKey: return "telegrams arrive, but the key does not decrypt them: the key is wrong";
    case LineVerdict::kWrongAuthKey:
      return "telegrams arrive, but their authentication tag does not match: the authentication key is wrong "
             "(leave it out to decrypt without checking the tag)";
    case LineVerdict::kUnknownLayout:
      return "telegrams decrypt, but their content fits no known layout (the structure is shown in the errors)";
    case LineVerdict::kRefused:
      return "telegrams decode, but the security rules refuse them (unencrypted although a key is given, or "
             "replayed)";
    case LineVerdict::kReadings: return "readings decoded";
  }
  return "";
}

void manufacturer_id(const LineObservation& s, char out[4]) {
  out[0] = '\0';
  if (!s.has_title) return;
  for (int i = 0; i < 3; ++i) {
    uint8_t c = s.system_title[i];
    if (c < 'A' || c > 'Z') {
      out[0] = '\0';
      return;
    }
    out[i] = static_cast<char>(c);
  }
  out[3] = '\0';
}

namespace {

const char* framing_name(Framing f) {
  switch (f) {
    case Framing::kMbus: return "M-Bus";
    case Framing::kHdlc: return "HDLC";
    case Framing::kBareApdu: return "bare APDU";
    case Framing::kNone: break;
  }
  return "none";
}

void put_number(TextBuffer& out, uint32_t n) {
  char digits[24];
  size_t len = format_uint(n, digits);
  out.put(digits, len);
}

}  // namespace

namespace {

// Who sends what (meter-formats.md): manufacturer, framing and security
// control point to the operator while no layout has decoded yet.
struct MeterHint {
  const char* id;
  Framing framing;          // kNone: any
  uint8_t security_control;  // 0: any
  const char* text;
};
constexpr MeterHint kHints[] = {
    {"KFM", Framing::kMbus, 0x21, "Kaifa on an M-Bus port: KSM-West (TINETZ, Salzburg Netz, Vorarlberg Netz, IKB)"},
    {"KFM", Framing::kMbus, 0, "Kaifa on an M-Bus port: Netz NÖ (EVN)"},
    {"SAG", Framing::kMbus, 0, "Sagemcom on an M-Bus port: Netz NÖ (EVN)"},
    {"SAG", Framing::kBareApdu, 0, "Sagemcom P1 port: Energienetze Steiermark"},
    {"ISK", Framing::kHdlc, 0, "Iskraemeco: Wiener Netze or Kärnten Netz"},
    {"SMS", Framing::kNone, 0, "Siemens IM350: Wiener Netze or Kärnten Netz"},
    {"LGZ", Framing::kHdlc, 0x30, "Landis+Gyr E450: Netz Burgenland, or another operator's E450"},
    {"LGZ", Framing::kNone, 0, "Landis+Gyr E450: Wiener Netze or another operator's E450"},
    {"KAM", Framing::kNone, 0, "Kamstrup"},
    {"SAM", Framing::kMbus, 0, "Siemens AMIS: Netz Oberösterreich"},
};

}  // namespace

void describe_operator(const LineObservation& s, const LineSetting& setting, TextBuffer& out) {
  if (s.layout != nullptr && s.layout[0] != '\0') {
    if (const BodyLayout* layout = find_body_layout(s.layout)) {
      // The layout table names the operators in front of its colon.
      const char* d = layout->description;
      const char* colon = std::strchr(d, ':');
      out.put(d, colon ? static_cast<size_t>(colon - d) : std::strlen(d));
      return;
    }
  }
  char id[4];
  manufacturer_id(s, id);
  for (const MeterHint& h : kHints) {
    if (std::strcmp(h.id, id) != 0) continue;
    if (h.framing != Framing::kNone && h.framing != s.framing) continue;
    if (h.security_control != 0 && h.security_control != s.security_control) continue;
    out.put(h.text);
    return;
  }
  if (id[0] != '\0') {
    out.put(id);
    out.put(" meter; ");
  }
  out.put(setting.used_by);
}

void describe_observation(const LineObservation& s, TextBuffer& out) {
  out.put("bytes ");
  put_number(out, s.bytes);
  out.put(", frames ");
  put_number(out, s.frames);
  if (s.frames > 0) {
    out.put(" (");
    out.put(framing_name(s.framing));
    out.put(")");
  }
  out.put(", checksum errors ");
  put_number(out, s.checksum_errors);
  out.put(", telegrams ");
  put_number(out, s.telegrams);
  out.put(", readings ");
  put_number(out, s.readings);
  if (s.has_title) {
    char id[4];
    manufacturer_id(s, id);
    out.put("; ");
    if (id[0] != '\0') {
      out.put(id);
      out.put(" ");
    }
    char hex[17];
    write_hex(ByteSpan(s.system_title, sizeof s.system_title), CharSpan(hex, 16));
    out.put(hex, 16);
    out.put(", security 0x");
    write_hex(ByteSpan(&s.security_control, 1), CharSpan(hex, 2));
    out.put(hex, 2);
    bool encrypted = (s.security_control & 0x20) != 0, authenticated = (s.security_control & 0x10) != 0;
    out.put(encrypted && authenticated ? " (encrypted, authenticated)"
            : encrypted                ? " (encrypted)"
            : authenticated            ? " (authenticated)"
                                       : " (plain)");
  }
  if (s.layout != nullptr && s.layout[0] != '\0') {
    out.put("; layout ");
    out.put(s.layout);
  }
  if (s.readings == 0 && s.first_error != Error::kNone) {
    out.put("; first error: ");
    out.put(describe(s.first_error));
  }
}

bool only_errors(const LineObservation& s) { return s.readings == 0 && s.frames == 0; }

}  // namespace p1

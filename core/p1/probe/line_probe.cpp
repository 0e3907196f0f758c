#include "p1/probe/line_probe.h"

#include <cstring>

#include "p1/base/hex.h"
#include "p1/cosem/layouts/body_layout.h"
#include "p1/output/exact_decimal.h"

namespace p1 {

void LineProbe::begin(const MeterStreamCore& stream) {
  start_ = stream.counters();
  seen_ = LineObservation();
}

void LineProbe::on_event(const StreamEvent& event, const MeterStreamCore& stream) {
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

LineObservation LineProbe::observation(const MeterStreamCore& stream) const {
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

FlashText explain(LineVerdict v) {
  switch (v) {
    case LineVerdict::kNothing: return P1_TEXT("no bytes");
    case LineVerdict::kNoise: return P1_TEXT("bytes, but no valid frame: not this speed or parity (or a noisy line)");
    case LineVerdict::kFramesOnly: return P1_TEXT("valid frames, but no complete telegram: frames get lost or cut short");
    case LineVerdict::kNeedsKey:
      return P1_TEXT("encrypted telegrams: give the key (from your grid operator's customer portal) with --key");
    case LineVerdict::kWrongKey: return P1_TEXT("telegrams arrive, but the key does not decrypt them: the key is wrong");
    case LineVerdict::kWrongAuthKey:
      return P1_TEXT("telegrams arrive, but their authentication tag does not match: the authentication key is wrong "
             "(leave it out to decrypt without checking the tag)");
    case LineVerdict::kUnknownLayout:
      return P1_TEXT("telegrams decrypt, but their content fits no known layout (the structure is shown in the errors)");
    case LineVerdict::kRefused:
      return P1_TEXT("telegrams decode, but the security rules refuse them (unencrypted although a key is given, or "
             "replayed)");
    case LineVerdict::kReadings: return P1_TEXT("readings decoded");
  }
  return P1_TEXT("");
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

FlashText framing_name(Framing f) {
  switch (f) {
    case Framing::kMbus: return P1_TEXT("M-Bus");
    case Framing::kHdlc: return P1_TEXT("HDLC");
    case Framing::kBareApdu: return P1_TEXT("bare APDU");
    case Framing::kNone: break;
  }
  return P1_TEXT("none");
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
  char id[4];
  uint32_t framing;           // Framing; kNone: any (words: the table is read from flash)
  uint32_t security_control;  // 0: any
  char text[80];
};
const MeterHint kHints[] P1_FLASH_DATA = {
    {"KFM", uint32_t(Framing::kMbus), 0x21, "Kaifa on an M-Bus port: KSM-West (TINETZ, Salzburg Netz, Vorarlberg Netz, IKB)"},
    {"KFM", uint32_t(Framing::kMbus), 0, "Kaifa on an M-Bus port: Netz NÖ (EVN)"},
    {"SAG", uint32_t(Framing::kMbus), 0, "Sagemcom on an M-Bus port: Netz NÖ (EVN)"},
    {"SAG", uint32_t(Framing::kBareApdu), 0, "Sagemcom P1 port: Energienetze Steiermark"},
    {"ISK", uint32_t(Framing::kHdlc), 0, "Iskraemeco: Wiener Netze or Kärnten Netz"},
    {"SMS", uint32_t(Framing::kNone), 0, "Siemens IM350: Wiener Netze or Kärnten Netz"},
    {"LGZ", uint32_t(Framing::kHdlc), 0x30, "Landis+Gyr E450: Netz Burgenland, or another operator's E450"},
    {"LGZ", uint32_t(Framing::kNone), 0, "Landis+Gyr E450: Wiener Netze or another operator's E450"},
    {"KAM", uint32_t(Framing::kNone), 0, "Kamstrup"},
    {"SAM", uint32_t(Framing::kMbus), 0, "Siemens AMIS: Netz Oberösterreich"},
};

}  // namespace

void describe_operator(const LineObservation& s, const LineSetting& setting, TextBuffer& out) {
  if (s.layout != nullptr && s.layout[0] != '\0') {
    const BodyLayout* layout = find_body_layout(s.layout);
    // An operator's layout names the operators in front of its colon; the
    // generic ones (flat lists, push lists) name none: then the manufacturer.
    if (layout != nullptr) {
      FlashText text = layout->description();
      size_t colon = 0;
      while (text.at(colon) != '\0' && text.at(colon) != ':') ++colon;
      if (text.at(colon) == ':') {
        for (size_t i = 0; i < colon; ++i) out.put(text.at(i));
        return;
      }
    }
  }
  char id[4];
  manufacturer_id(s, id);
  for (const MeterHint& h : kHints) {
    if (!FlashText(h.id).equals(Span<const char>(id, std::strlen(id)))) continue;
    if (h.framing != uint32_t(Framing::kNone) && h.framing != uint32_t(s.framing)) continue;
    if (h.security_control != 0 && h.security_control != s.security_control) continue;
    out.put(FlashText(h.text));
    return;
  }
  if (id[0] != '\0') {
    out.put(id);
    out.put(P1_TEXT(" meter; "));
  }
  out.put(setting.used_by());
}

void describe_observation(const LineObservation& s, TextBuffer& out) {
  out.put(P1_TEXT("bytes "));
  put_number(out, s.bytes);
  out.put(P1_TEXT(", frames "));
  put_number(out, s.frames);
  if (s.frames > 0) {
    out.put(P1_TEXT(" ("));
    out.put(framing_name(s.framing));
    out.put(P1_TEXT(")"));
  }
  out.put(P1_TEXT(", checksum errors "));
  put_number(out, s.checksum_errors);
  out.put(P1_TEXT(", telegrams "));
  put_number(out, s.telegrams);
  out.put(P1_TEXT(", readings "));
  put_number(out, s.readings);
  if (s.has_title) {
    char id[4];
    manufacturer_id(s, id);
    out.put(P1_TEXT("; "));
    if (id[0] != '\0') {
      out.put(id);
      out.put(P1_TEXT(" "));
    }
    char hex[17];
    write_hex(ByteSpan(s.system_title, sizeof s.system_title), CharSpan(hex, 16));
    out.put(hex, 16);
    out.put(P1_TEXT(", security 0x"));
    write_hex(ByteSpan(&s.security_control, 1), CharSpan(hex, 2));
    out.put(hex, 2);
    bool encrypted = (s.security_control & 0x20) != 0, authenticated = (s.security_control & 0x10) != 0;
    out.put(encrypted && authenticated ? P1_TEXT(" (encrypted, authenticated)")
            : encrypted                ? P1_TEXT(" (encrypted)")
            : authenticated            ? P1_TEXT(" (authenticated)")
                                       : P1_TEXT(" (plain)"));
  }
  if (s.layout != nullptr && s.layout[0] != '\0') {
    out.put(P1_TEXT("; layout "));
    out.put(s.layout);
  }
  if (s.readings == 0 && s.first_error != Error::kNone) {
    out.put(P1_TEXT("; first error: "));
    out.put(describe_text(s.first_error));
  }
}

bool only_errors(const LineObservation& s) { return s.readings == 0 && s.frames == 0; }

}  // namespace p1

#include "p1/device/setup_wizard.h"

#include <cstring>

#include "p1/device/web/secure_exchange.h"

namespace p1 {

namespace {
constexpr char kCtrlC = 0x03;
constexpr char kCtrlD = 0x04;
constexpr char kBackspace = 0x08;
constexpr char kDelete = 0x7F;

void print_span(TextOutput& out, Span<const char> text) {
  char piece[32];
  while (!text.empty()) {
    size_t n = text.size() < sizeof piece - 1 ? text.size() : sizeof piece - 1;
    std::memcpy(piece, text.data(), n);
    piece[n] = '\0';
    out.print(piece);
    text = text.subspan(n);
  }
}
}  // namespace

void SetupWizard::print_settings(TextOutput& out, const Settings& settings, bool include_wifi) {
  for (const SettingSpec& spec : setting_specs()) {
    if (!spec.applies(include_wifi)) continue;
    out.print(P1_TEXT("  "));
    out.print(spec.key());
    out.print(P1_TEXT(" = "));
    if (spec.kind() == SettingKind::kSecret) {
      out.print(settings.length(spec.id()) > 0 ? P1_TEXT("(set)") : P1_TEXT("(not set)"));
    } else {
      out.print(settings.get(spec.id()));
    }
    out.print(P1_TEXT("\r\n"));
  }
}

void SetupWizard::start(const Settings& current, bool offer_edit, uint32_t now_ms) {
  settings_ = current;
  outcome_ = Outcome::kRunning;
  field_ = 0;
  line_len_ = 0;
  if (offer_edit) {
    state_ = State::kOffer;
    deadline_ = now_ms + kOfferMs;
    out_.print(P1_TEXT("Press 's' within 10 seconds to edit settings, 'c' to clear them.\r\n"));
    return;
  }
  out_.print(P1_TEXT("p1bridge setup. Enter keeps the value in [brackets]; Ctrl-C cancels.\r\n"));
  state_ = State::kField;
  field_ = static_cast<size_t>(-1);
  next_field();
}

void SetupWizard::next_field() {
  auto specs = setting_specs();
  for (++field_; field_ < specs.size(); ++field_) {
    if (specs[field_].applies(ask_wifi_)) {
      line_len_ = 0;
      prompt();
      return;
    }
  }
  // All fields answered; each was validated when entered.
  state_ = State::kDone;
  outcome_ = Outcome::kSaved;
  out_.print(P1_TEXT("\r\nSettings saved:\r\n"));
  print_settings(out_, settings_, ask_wifi_);
}

void SetupWizard::prompt() {
  const SettingSpec& spec = setting_specs()[field_];
  out_.print(spec.label());
  // A serial terminal has no switches: flags and on/off are typed as their
  // digits, so the prompt names them ("(0 raw, 1 topics, 2 JSON)").
  if (spec.has_options() && (spec.kind() == SettingKind::kFlags || spec.kind() == SettingKind::kBool)) {
    SettingOption o;
    for (size_t i = 0; spec.option(i, o); ++i) {
      out_.print(i == 0 ? P1_TEXT(" (") : P1_TEXT(", "));
      print_span(out_, o.value);
      out_.print(P1_TEXT(" "));
      print_span(out_, o.label);
    }
    out_.print(P1_TEXT(")"));
  }
  out_.print(P1_TEXT(" ["));
  if (spec.kind() == SettingKind::kSecret) {
    bool set = settings_.length(spec.id()) > 0;
    out_.print(set                              ? P1_TEXT("set, Enter keeps it")
               : spec.id() == SettingId::kWebKey ? P1_TEXT("not set, Enter generates one")
                                               : P1_TEXT("not set"));
  } else {
    out_.print(settings_.get(spec.id()));
  }
  out_.print(P1_TEXT("]: "));
}

// 16 characters from 57 that cannot be misread (no 0/O, 1/l/I): 16 x
// log2(57) = 93 bits, well above the 80 a key needs against offline guessing
// of a sniffed request. Bytes of 228 and up are dropped rather than reduced
// modulo 57, which would make the first 28 letters likelier (each of the 57
// is then exactly as likely).
void SetupWizard::generate_web_key() {
  static const char kAlphabet[] P1_FLASH_DATA = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  constexpr size_t kLetters = sizeof kAlphabet - 1;
  constexpr unsigned kLimit = 256 / kLetters * kLetters;
  char key[kGeneratedWebKeyLength + 1];
  size_t n = 0;
  uint8_t random[16];
  // Each byte is kept with probability 228/256: two fills almost always do.
  for (int fill = 0; n < kGeneratedWebKeyLength; ++fill) {
    random_.fill(MutableByteSpan(random, sizeof random));
    for (size_t i = 0; i < sizeof random && n < kGeneratedWebKeyLength; ++i) {
      // A broken random source must not hang the wizard: after many fills, take what comes.
      if (random[i] < kLimit || fill >= 64) key[n++] = flash_char(&kAlphabet[random[i] % kLetters]);
    }
  }
  std::memset(random, 0, sizeof random);
  key[n] = '\0';
  settings_.set(SettingId::kWebKey, key);
  out_.print(P1_TEXT("Webpage key generated: "));
  out_.print(key);
  out_.print(P1_TEXT("  (note it now: it is not shown again)\r\n"));
  std::memset(key, 0, sizeof key);
}

void SetupWizard::finish_field() {
  const SettingSpec& spec = setting_specs()[field_];
  out_.print(P1_TEXT("\r\n"));
  if (line_len_ == 0) {
    // Enter keeps the value; an unset webpage key is generated.
    if (spec.id() == SettingId::kWebKey && settings_.length(spec.id()) == 0) generate_web_key();
    next_field();
    return;
  }
  SettingError error = settings_.set(spec.id(), Span<const char>(line_, line_len_));
  if (error != SettingError::kNone) {
    out_.print(P1_TEXT("  Not accepted ("));
    out_.print(describe(error));
    out_.print(P1_TEXT("): expected "));
    out_.print(spec.expected());
    out_.print(P1_TEXT(".\r\n"));
    line_len_ = 0;
    prompt();
    return;
  }
  // A short or one-kind key is accepted (it is the owner's choice), but one
  // sniffed request lets it be guessed offline: say so.
  if (spec.id() == SettingId::kWebKey && is_weak_passkey(Span<const char>(line_, line_len_))) {
    // Short: on the ESP8266 this text takes RAM.
    out_.print(P1_TEXT("  Weak key: use 12+ mixed characters, or none to generate one.\r\n"));
  }
  std::memset(line_, 0, sizeof line_);
  next_field();
}

SetupWizard::Outcome SetupWizard::feed(char c, uint32_t now_ms) {
  if (state_ == State::kDone) return outcome_;
  if (state_ == State::kOffer) {
    if (static_cast<int32_t>(now_ms - deadline_) >= 0) return tick(now_ms);
    if (c == 's' || c == 'S') {
      out_.print(P1_TEXT("\r\n"));
      start(settings_, false, now_ms);
    } else if (c == 'c' || c == 'C') {
      out_.print(P1_TEXT("\r\nSettings cleared.\r\n"));
      state_ = State::kDone;
      outcome_ = Outcome::kCleared;
    }
    return outcome_;
  }
  // State::kField: line editing.
  if (c == kCtrlC || c == kCtrlD) {
    out_.print(P1_TEXT("\r\nSetup cancelled; nothing was changed.\r\n"));
    state_ = State::kDone;
    outcome_ = Outcome::kAborted;
    return outcome_;
  }
  if (c == '\n' && last_was_cr_) {  // "\r\n" is one Enter
    last_was_cr_ = false;
    return outcome_;
  }
  last_was_cr_ = c == '\r';
  if (c == '\r' || c == '\n') {
    finish_field();
    return outcome_;
  }
  if (c == kBackspace || c == kDelete) {
    if (line_len_ > 0) {
      --line_len_;
      out_.print(P1_TEXT("\b \b"));
    }
    return outcome_;
  }
  if (static_cast<unsigned char>(c) < 0x20) return outcome_;  // other control keys
  const SettingSpec& spec = setting_specs()[field_];
  if (line_len_ >= spec.capacity()) return outcome_;  // refuse to type past the limit
  line_[line_len_++] = c;
  char echo[2] = {spec.kind() == SettingKind::kSecret ? '*' : c, '\0'};
  out_.print(echo);
  return outcome_;
}

SetupWizard::Outcome SetupWizard::tick(uint32_t now_ms) {
  if (state_ == State::kOffer && static_cast<int32_t>(now_ms - deadline_) >= 0) {
    out_.print(P1_TEXT("Starting with the stored settings.\r\n"));
    state_ = State::kDone;
    outcome_ = Outcome::kSkipped;
  }
  return outcome_;
}

}  // namespace p1

// libFuzzer target: the serial setup wizard fed arbitrary keystrokes, with
// time passing as the input says. It never crashes, always prints
// NUL-terminated text, never echoes a character typed into a secret field
// (only '*'), never saves a value the schema refuses, and once done stays
// done. The Improv parser sits in front of it on the device: its
// passthrough bytes are what reaches the wizard.
//
// Input: flags (device/offer/settings), then pairs (key, time step).
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "p1/device/improv_serial.h"
#include "p1/device/setup_wizard.h"
#include "support/fakes.h"

namespace {

// Tracks which field the wizard is asking for from its prompts: each prompt
// prints the field's label on its own.
struct Sink final : p1::TextOutput {
  const p1::SettingSpec* field = nullptr;
  size_t printed = 0;
  char last[8] = {};
  void print(const char* text) override {
    if (text == nullptr) __builtin_trap();
    size_t n = strnlen(text, 4096);
    if (n == 4096) __builtin_trap();  // not terminated (or absurdly long)
    for (const p1::SettingSpec& spec : p1::setting_specs()) {
      if (std::strcmp(text, spec.label().host_string()) == 0) field = &spec;
    }
    printed += n;
    std::strncpy(last, text, sizeof last - 1);
  }
};

void check_valid(const p1::Settings& s) {
  for (const p1::SettingSpec& spec : p1::setting_specs()) {
    const char* value = s.get(spec.id());
    size_t n = strnlen(value, p1::Settings::kMaxValue + 1);
    if (n > spec.capacity() || !spec.valid(p1::Span<const char>(value, n))) __builtin_trap();
  }
}

using Outcome = p1::SetupWizard::Outcome;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  uint8_t flags = data[0];
  bool device = (flags & 1) != 0;
  bool offer = (flags & 2) != 0;
  bool through_improv = (flags & 4) != 0;
  static Sink sink;
  sink = Sink();
  p1test::CountingRandom random{0};
  static p1::Settings current;
  current.set_defaults();
  if (flags & 8) current.set(p1::SettingId::kMeterKey, "36C66639E48A8CA4D6BC8B282A793BBB");
  if (flags & 16) current.set(p1::SettingId::kWebKey, "abcd1234");
  p1::SetupWizard wizard(sink, random, device);
  uint32_t now = static_cast<uint32_t>(flags) << 24;  // the clock may wrap
  wizard.start(current, offer, now);
  p1::ImprovParser improv;
  Outcome done = Outcome::kRunning;

  auto feed = [&](char c) {
    const p1::SettingSpec* field = sink.field;
    size_t before = sink.printed;
    sink.last[0] = '\0';
    Outcome o = wizard.feed(c, now);
    if (done != Outcome::kRunning && o != done) __builtin_trap();  // done stays done
    auto u = static_cast<unsigned char>(c);
    bool printable = u >= 0x20 && u != 0x7F;
    // A printable key in a secret field echoes '*' (or nothing at the limit).
    if (o == Outcome::kRunning && field != nullptr && field == sink.field && printable &&
        field->kind() == p1::SettingKind::kSecret && sink.printed != before) {
      if (sink.printed != before + 1 || sink.last[0] != '*') __builtin_trap();
    }
    if (o != Outcome::kRunning) done = o;
  };

  for (size_t i = 1; i + 1 < size; i += 2) {
    uint8_t key = data[i];
    uint8_t step = data[i + 1];
    now += step < 250 ? step : static_cast<uint32_t>(step) * 1000;  // sometimes past the 10 s offer
    if (through_improv) {
      p1::ImprovParser::Event e = improv.feed(key);
      if (e.passthrough_count > sizeof e.passthrough) __builtin_trap();
      for (uint8_t k = 0; k < e.passthrough_count; ++k) feed(static_cast<char>(e.passthrough[k]));
    } else {
      feed(static_cast<char>(key));
    }
    if ((step & 0x0F) == 0x0F) {
      Outcome o = wizard.tick(now);
      if (done != Outcome::kRunning && o != done) __builtin_trap();
      if (o != Outcome::kRunning) done = o;
    }
  }
  Outcome o = wizard.outcome();
  if (o == Outcome::kSaved) {
    check_valid(wizard.result());
    // An unset webpage key is generated, never saved empty.
    if (p1::setting_spec(p1::SettingId::kWebKey).applies(device) && wizard.result().length(p1::SettingId::kWebKey) == 0) {
      __builtin_trap();
    }
  }
  if (o == Outcome::kAborted || o == Outcome::kSkipped || o == Outcome::kCleared) {
    if (o != done) __builtin_trap();
  }
  return 0;
}

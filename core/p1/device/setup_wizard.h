// The serial setup wizard of the original device, as a state machine fed one
// character at a time (UART on the device, a terminal on Linux), so it never
// blocks. With valid settings it first offers "press 's' within 10 seconds to
// edit settings, 'c' to clear them"; without, it asks at once. Each field
// shows its current value (secrets only as set / not set); Enter keeps it; a
// refused value is explained and asked again; Ctrl-C or Ctrl-D abandons
// without saving. An empty webpage key is generated and printed once; a
// weak one typed by hand is accepted with a warning.
#pragma once
#include <cstdint>

#include "p1/base/platform.h"
#include "p1/device/settings/settings.h"

namespace p1 {

class SetupWizard {
 public:
  enum class Outcome : uint8_t {
    kRunning,
    kSaved,    // result() holds the new settings: store them
    kCleared,  // the user asked to clear the settings: clear, then start() again
    kSkipped,  // no key within the window: keep the current settings
    kAborted,  // Ctrl-C / Ctrl-D: nothing changes
  };
  static constexpr uint32_t kOfferMs = 10000;
  static constexpr size_t kGeneratedWebKeyLength = 16;

  SetupWizard(TextOutput& out, RandomSource& random, bool ask_wifi) : out_(out), random_(random), ask_wifi_(ask_wifi) {}

  // offer_edit: show the 's'/'c' prompt first (device boot with valid settings).
  void start(const Settings& current, bool offer_edit, uint32_t now_ms);
  Outcome feed(char c, uint32_t now_ms);
  Outcome tick(uint32_t now_ms);
  const Settings& result() const { return settings_; }
  Outcome outcome() const { return outcome_; }

  // "key = value" lines with secrets as (set)/(not set).
  static void print_settings(TextOutput& out, const Settings& settings, bool include_wifi);

 private:
  enum class State : uint8_t { kOffer, kField, kDone };
  void prompt();
  void next_field();
  void finish_field();
  void generate_web_key();

  TextOutput& out_;
  RandomSource& random_;
  bool ask_wifi_;
  State state_ = State::kDone;
  Outcome outcome_ = Outcome::kRunning;
  Settings settings_;
  size_t field_ = 0;
  char line_[Settings::kMaxValue + 1] = {};
  size_t line_len_ = 0;
  bool last_was_cr_ = false;
  uint32_t deadline_ = 0;
};

}  // namespace p1

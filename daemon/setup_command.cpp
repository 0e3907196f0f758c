#include "setup_command.h"

#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>

#include "config.h"
#include "decode_command.h"
#include "linux_platform.h"
#include "p1/device/setup_wizard.h"
#include "config_keys.h"

namespace p1d {

namespace {
// The wizard echoes (masking secrets), so the terminal must not.
class RawTerminal {
 public:
  RawTerminal() {
    if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_) != 0) return;
    termios raw = saved_;
    raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO | ISIG);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    active_ = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
  }
  ~RawTerminal() {
    if (active_) tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
  }

 private:
  termios saved_{};
  bool active_ = false;
};

uint32_t now_ms() {
  return static_cast<uint32_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count());
}
}  // namespace

int run_setup(const std::string& path) {
  Config config;
  struct stat st {};
  bool exists = stat(path.c_str(), &st) == 0;
  if (exists) {
    std::string error = load_config_file(path, config);
    if (!error.empty()) {
      std::fprintf(stderr, "p1bridge setup: %s\n", error.c_str());
      return kExitUsage;
    }
  }
  StdoutText out;
  LinuxRandom random;
  p1::SetupWizard wizard(out, random, false);
  if (exists) out.print(("Editing " + path + "\r\n").c_str());
  const p1::Settings shown = settings_from_config(config);
  {
    // Raw before the first prompt: a key typed as soon as it shows must not
    // be echoed (a secret) or held back by the terminal.
    RawTerminal terminal;
    wizard.start(shown, false, now_ms());
    char c;
    while (wizard.outcome() == p1::SetupWizard::Outcome::kRunning) {
      ssize_t n = ::read(STDIN_FILENO, &c, 1);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) c = 0x04;  // end of input behaves like Ctrl-D
      wizard.feed(c, now_ms());
    }
  }
  if (wizard.outcome() != p1::SetupWizard::Outcome::kSaved) return kExitDecodeFailed;
  // Only what was changed is written; a new file gets every setting.
  std::string error = save_settings(path, exists ? &shown : nullptr, wizard.result());
  if (!error.empty()) {
    std::fprintf(stderr, "p1bridge setup: %s\n", error.c_str());
    return kExitDecodeFailed;
  }
  out.print(("Written to " + path + " (readable only by you). Start with: p1bridge run --config " + path + "\r\n").c_str());
  return kExitOk;
}

}  // namespace p1d

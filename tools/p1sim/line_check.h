// A meter's line setting on a pseudo-terminal. A pty carries bytes whatever
// speed its ends are set to; a real UART set to another speed than the meter
// receives garbage. With --line, p1sim looks at the reader's terminal speed
// before each write (both ends of a pty share it) and, while it differs from
// the meter's, sends what a mismatched UART would deliver instead: noise of a
// similar length. Parity cannot be emulated: Linux ptys drop PARENB from
// their settings, so "9600-8E1" and "9600-8N1" look alike here.
#pragma once
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace p1sim {

class LineCheck {
 public:
  // "2400-8E1"; false when the text is not such a setting.
  bool parse(const std::string& text);
  bool enabled() const { return baud_ != 0; }
  // True when the terminal behind `fd` is set to the meter's setting.
  bool matches(int fd) const;
  // What a reader at another setting receives instead of `bytes`.
  std::vector<uint8_t> garble(const std::vector<uint8_t>& bytes);

 private:
  unsigned baud_ = 0;
  int data_bits_ = 8;
  char parity_ = 'N';
  int stop_bits_ = 1;
  std::mt19937 rng_{7};
};

}  // namespace p1sim

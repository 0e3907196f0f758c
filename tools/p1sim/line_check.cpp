#include "line_check.h"

#include <termios.h>

#include <cstdio>

#include "serial_speed.h"

namespace p1sim {


bool LineCheck::parse(const std::string& text) {
  unsigned baud = 0;
  char format[4] = {};
  if (std::sscanf(text.c_str(), "%u-%3s", &baud, format) != 2 || p1d::termios_speed(baud) == B0) return false;
  if (format[0] < '5' || format[0] > '8' || (format[1] != 'N' && format[1] != 'E' && format[1] != 'O') ||
      (format[2] != '1' && format[2] != '2')) {
    return false;
  }
  baud_ = baud;
  data_bits_ = format[0] - '0';
  parity_ = format[1];
  stop_bits_ = format[2] - '0';
  return true;
}

bool LineCheck::matches(int fd) const {
  termios tio{};
  if (tcgetattr(fd, &tio) != 0) return false;
  return cfgetispeed(&tio) == p1d::termios_speed(baud_);  // the only part of the setting a pty keeps (see line_check.h)
}

std::vector<uint8_t> LineCheck::garble(const std::vector<uint8_t>& bytes) {
  std::vector<uint8_t> out(bytes.size());
  for (uint8_t& b : out) b = static_cast<uint8_t>(rng_());
  return out;
}

}  // namespace p1sim

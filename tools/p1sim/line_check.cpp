#include "line_check.h"

#include <termios.h>

#include <cstdio>

namespace p1sim {

namespace {

speed_t speed_of(unsigned baud) {
  switch (baud) {
    case 300: return B300;
    case 1200: return B1200;
    case 2400: return B2400;
    case 4800: return B4800;
    case 9600: return B9600;
    case 19200: return B19200;
    case 38400: return B38400;
    case 57600: return B57600;
    case 115200: return B115200;
    default: return B0;
  }
}

}  // namespace

bool LineCheck::parse(const std::string& text) {
  unsigned baud = 0;
  char format[4] = {};
  if (std::sscanf(text.c_str(), "%u-%3s", &baud, format) != 2 || speed_of(baud) == B0) return false;
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
  return cfgetispeed(&tio) == speed_of(baud_);  // the only part of the setting a pty keeps (see line_check.h)
}

std::vector<uint8_t> LineCheck::garble(const std::vector<uint8_t>& bytes) {
  std::vector<uint8_t> out(bytes.size());
  for (uint8_t& b : out) b = static_cast<uint8_t>(rng_());
  return out;
}

}  // namespace p1sim

// The termios speed constant of a baud rate (B0 for one termios lacks).
// Header-only: p1sim (tools/) emulates the same line settings.
#pragma once
#include <termios.h>

namespace p1d {

inline speed_t termios_speed(long baud) {
  switch (baud) {
    case 300: return B300;
    case 600: return B600;
    case 1200: return B1200;
    case 2400: return B2400;
    case 4800: return B4800;
    case 9600: return B9600;
    case 19200: return B19200;
    case 38400: return B38400;
    case 57600: return B57600;
    case 115200: return B115200;
    case 230400: return B230400;
    default: return B0;
  }
}

}  // namespace p1d

#include "serial_source.h"

#include "serial_speed.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace p1d {

namespace {
// Validated settings only get here; an unknown speed falls back to 2400.
speed_t speed_of(int baud) {
  speed_t speed = termios_speed(baud);
  return speed == B0 ? B2400 : speed;
}
// A pseudo-terminal (socat, a test's simulated meter) carries no parity: Linux
// drops PARENB from its settings, and refuses (EINVAL) a change that differs
// from the current settings only in the parity it would drop.
bool is_pseudo_terminal(int fd) {
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISCHR(st.st_mode)) return false;
  unsigned major_number = major(st.st_rdev);
  return major_number >= 136 && major_number <= 143;  // UNIX98_PTY_SLAVE_MAJOR and the ones after it
}

bool set_without_parity(int fd, termios tio) {
  tio.c_cflag &= ~static_cast<tcflag_t>(PARENB | PARODD);
  return tcsetattr(fd, TCSANOW, &tio) == 0;
}

}  // namespace

std::string SerialSource::open() {
  close();
  int fd = ::open(meter_.source.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    return "cannot open " + meter_.source + ": " + std::strerror(errno) +
           (errno == ENOENT ? " (adapter unplugged? check `ls /dev/serial/by-id/`)" : "") +
           (errno == EACCES ? ": add yourself to the dialout group (sudo adduser $USER dialout) and log in again" : "");
  }
  termios tio{};
  if (tcgetattr(fd, &tio) != 0) {
    std::string error = meter_.source + " is not a serial port: " + std::strerror(errno);
    ::close(fd);
    return error;
  }
  cfmakeraw(&tio);
  cfsetispeed(&tio, speed_of(meter_.baud));
  cfsetospeed(&tio, speed_of(meter_.baud));
  tio.c_cflag &= ~static_cast<tcflag_t>(CSIZE | PARENB | PARODD | CSTOPB | CRTSCTS);
  tio.c_cflag |= CLOCAL | CREAD;
  tio.c_cflag |= meter_.data_bits == 5 ? CS5 : meter_.data_bits == 6 ? CS6 : meter_.data_bits == 7 ? CS7 : CS8;
  if (meter_.parity != Parity::kNone) tio.c_cflag |= PARENB;
  if (meter_.parity == Parity::kOdd) tio.c_cflag |= PARODD;
  if (meter_.stop_bits == 2) tio.c_cflag |= CSTOPB;
  // Bytes with a parity error are dropped by the driver (no INPCK marking):
  // the frame checksum then reports the damage.
  tio.c_iflag &= ~static_cast<tcflag_t>(IXON | IXOFF | IXANY);
  tio.c_cc[VMIN] = 0;
  tio.c_cc[VTIME] = 0;
  if (tcsetattr(fd, TCSANOW, &tio) != 0 && !(errno == EINVAL && is_pseudo_terminal(fd) && set_without_parity(fd, tio))) {
    std::string error = "cannot configure " + meter_.source + ": " + std::strerror(errno);
    ::close(fd);
    return error;
  }
  tcflush(fd, TCIFLUSH);
  fd_ = fd;
  return {};
}

void SerialSource::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

long SerialSource::read(uint8_t* buffer, size_t size) {
  ssize_t n = ::read(fd_, buffer, size);
  if (n > 0) return n;
  // Raw mode with VMIN = VTIME = 0 returns 0 when nothing is waiting; a
  // vanished adapter shows as EIO (or as POLLHUP, which the caller checks).
  if (n == 0 || errno == EAGAIN || errno == EINTR) return 0;
  return -1;
}

long SerialSource::write(const uint8_t* data, size_t size) {
  ssize_t n = ::write(fd_, data, size);
  return n < 0 ? -1 : n;
}

std::string SerialSource::describe() const {
  char line[16];
  std::snprintf(line, sizeof line, "%d%c%d", meter_.data_bits,
                meter_.parity == Parity::kNone ? 'N' : meter_.parity == Parity::kEven ? 'E' : 'O', meter_.stop_bits);
  return "serial " + meter_.source + " " + std::to_string(meter_.baud) + " " + line;
}

}  // namespace p1d

#include "file_source.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "serial_source.h"
#include "tcp_source.h"

namespace p1d {

std::string FileSource::open() {
  close();
  if (path_ == "-") {
    fd_ = dup(STDIN_FILENO);
    return {};
  }
  fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) {
    return "cannot open " + path_ + ": " + std::strerror(errno) +
           (errno == EACCES ? ": make it readable for this user (chmod o+r, or run p1bridge as its owner)" : "");
  }
  return {};
}

void FileSource::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

long FileSource::read(uint8_t* buffer, size_t size) {
  ssize_t n = ::read(fd_, buffer, size);
  if (n > 0) return n;
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return 0;
  return -2;
}

std::unique_ptr<ByteSource> make_source(const MeterConfig& meter) {
  const std::string& s = meter.source;
  if (s.rfind("tcp://", 0) == 0) {
    std::string rest = s.substr(6);
    size_t colon = rest.rfind(':');
    if (colon == std::string::npos) return nullptr;
    std::string host = rest.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    return std::make_unique<TcpSource>(host, rest.substr(colon + 1));
  }
  if (s.rfind("file:", 0) == 0) return std::make_unique<FileSource>(s.substr(5));
  if (s == "-") return std::make_unique<FileSource>(s);
  return std::make_unique<SerialSource>(meter);
}

}  // namespace p1d

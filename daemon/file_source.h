#pragma once
#include "byte_source.h"

namespace p1d {

// Replays a capture ("file:/path", raw bytes) or reads stdin ("-"); ends at EOF.
class FileSource final : public ByteSource {
 public:
  explicit FileSource(std::string path) : path_(std::move(path)) {}
  ~FileSource() override { close(); }
  std::string open() override;
  void close() override;
  int fd() const override { return fd_; }
  long read(uint8_t* buffer, size_t size) override;
  std::string describe() const override { return path_ == "-" ? "stdin" : "file " + path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace p1d

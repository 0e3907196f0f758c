#include "input_file.h"

#include <cerrno>
#include <cstring>

namespace p1d {

InputFile::~InputFile() {
  if (owned_ && file_ != nullptr) std::fclose(file_);
}

std::string InputFile::open(const std::string& path, bool binary) {
  binary_ = binary;
  if (path == "-") {
    file_ = stdin;
    return {};
  }
  file_ = std::fopen(path.c_str(), "rb");
  if (file_ == nullptr) return "cannot open " + path + ": " + std::strerror(errno);
  owned_ = true;
  return {};
}

InputFile::Status InputFile::read(p1::ByteSpan& bytes) {
  if (binary_) {
    size_t n = std::fread(bytes_, 1, sizeof bytes_, file_);
    if (n == 0) return std::ferror(file_) ? Status::kIoError : Status::kEnd;
    bytes = p1::ByteSpan(bytes_, n);
    return Status::kData;
  }
  for (;;) {
    if (text_pos_ == text_len_ && !at_end_) {
      text_len_ = std::fread(text_, 1, sizeof text_, file_);
      text_pos_ = 0;
      if (text_len_ == 0) {
        if (std::ferror(file_)) return Status::kIoError;
        at_end_ = true;
      }
    }
    HexDumpReader::Chunk chunk =
        at_end_ ? hex_.finish(p1::MutableByteSpan(bytes_, sizeof bytes_))
                : hex_.decode(p1::Span<const char>(text_ + text_pos_, text_len_ - text_pos_),
                              p1::MutableByteSpan(bytes_, sizeof bytes_));
    text_pos_ += chunk.consumed;
    if (chunk.produced > 0) {
      // The bytes before a problem first, wherever it falls in the file; the
      // next read() reports it.
      bytes = p1::ByteSpan(bytes_, chunk.produced);
      return Status::kData;
    }
    if (chunk.failed) return Status::kNotHex;
    if (at_end_) return Status::kEnd;
  }
}

std::string InputFile::describe_problem() const {
  char text[256];
  size_t n = hex_.describe(text, sizeof text);
  return std::string(text, n);
}

}  // namespace p1d

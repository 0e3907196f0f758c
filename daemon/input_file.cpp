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
    if (text_pos_ == text_len_) {
      text_len_ = std::fread(text_, 1, sizeof text_, file_);
      text_pos_ = 0;
      if (text_len_ == 0) return std::ferror(file_) ? Status::kIoError : Status::kEnd;
    }
    auto chunk = hex_.decode(p1::Span<const char>(text_ + text_pos_, text_len_ - text_pos_),
                             p1::MutableByteSpan(bytes_, sizeof bytes_));
    text_pos_ += chunk.consumed;
    if (chunk.invalid && chunk.produced > 0) {
      // The bytes before the bad character first, wherever it falls in the
      // file; the next read() stops at it again and reports it.
      bytes = p1::ByteSpan(bytes_, chunk.produced);
      return Status::kData;
    }
    if (chunk.invalid) {
      error_offset_ = hex_.position();
      bad_char_ = text_[text_pos_];
      return Status::kNotHex;
    }
    if (chunk.produced > 0) {
      bytes = p1::ByteSpan(bytes_, chunk.produced);
      return Status::kData;
    }
  }
}

}  // namespace p1d

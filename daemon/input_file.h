// A file or stdin ("-") read in chunks, as hex text or raw bytes.
#pragma once
#include <cstdio>
#include <string>

#include "p1/base/hex.h"

namespace p1d {

class InputFile {
 public:
  enum class Status { kData, kEnd, kNotHex, kIoError };

  InputFile() = default;
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  // Opens `path` ("-" = stdin). Returns an error message, empty on success.
  std::string open(const std::string& path, bool binary);
  // Next chunk of bytes; on kNotHex, `error_offset()` and `bad_char()` tell where.
  Status read(p1::ByteSpan& bytes);
  uint64_t error_offset() const { return error_offset_; }
  char bad_char() const { return bad_char_; }
  bool ended_mid_byte() const { return hex_.has_half_byte(); }

 private:
  FILE* file_ = nullptr;
  bool owned_ = false;
  bool binary_ = false;
  char text_[16384];
  size_t text_len_ = 0;
  size_t text_pos_ = 0;
  uint8_t bytes_[8192];
  p1::HexTextDecoder hex_;
  uint64_t error_offset_ = 0;
  char bad_char_ = 0;
};

}  // namespace p1d

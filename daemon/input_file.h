// A file or stdin ("-") read in chunks, as hex text (plain or a pasted
// hexdump -C / xxd / 0x dump: hex_dump_reader.h) or raw bytes.
#pragma once
#include <cstdio>
#include <string>

#include "hex_dump_reader.h"

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
  // Next chunk of bytes; on kNotHex, `problem()` tells where and why.
  Status read(p1::ByteSpan& bytes);
  const HexDumpReader::Problem& problem() const { return hex_.problem(); }
  // "line 3, column 12: unexpected 'g' (0x67) where a hex digit belongs"
  std::string describe_problem() const;
  bool ended_mid_byte() const { return hex_.has_half_byte(); }

 private:
  FILE* file_ = nullptr;
  bool owned_ = false;
  bool binary_ = false;
  char text_[16384];
  size_t text_len_ = 0;
  size_t text_pos_ = 0;
  uint8_t bytes_[8192];
  HexDumpReader hex_;
  bool at_end_ = false;
};

}  // namespace p1d

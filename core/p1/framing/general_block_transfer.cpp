#include "p1/framing/general_block_transfer.h"

#include <cstring>

#include "p1/dlms/cipher_apdu.h"

namespace p1 {

GbtAssembler::Status GbtAssembler::add(ByteSpan block, Error& error) {
  if (block.size() < 6 || block[0] != kTagGeneralBlockTransfer) {
    error = Error::kGbtBlockMalformed;
    reset();
    return Status::kError;
  }
  bool last = (block[1] & 0x80) != 0;
  auto number = static_cast<uint16_t>(block[2] << 8 | block[3]);
  uint32_t length = 0;
  size_t used = read_axdr_length(block.subspan(6), length);
  if (used == 0 || block.size() - 6 - used < length) {
    error = Error::kGbtBlockMalformed;
    reset();
    return Status::kError;
  }
  if (number == 1) {
    length_ = 0;  // a new transfer; an unfinished one is abandoned
  } else if (next_block_ == 0 || number != next_block_) {
    error = (next_block_ != 0 && number < next_block_) ? Error::kGbtBlockRepeated : Error::kGbtBlockMissing;
    reset();
    return Status::kError;
  }
  if (length_ + length > sizeof buffer_) {
    error = Error::kTelegramTooLarge;
    reset();
    return Status::kError;
  }
  std::memcpy(buffer_ + length_, block.data() + 6 + used, length);
  length_ += length;
  if (!last) {
    next_block_ = static_cast<uint16_t>(number + 1);
    return Status::kNeedMore;
  }
  next_block_ = 0;
  return Status::kComplete;
}

}  // namespace p1

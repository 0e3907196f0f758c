// General Block Transfer (IEC 62056-5-3, tag 0xE0): the Landis+Gyr E450 sends
// one APDU as numbered blocks
//   E0 control(1: 0x80 = last block) block-number(2) acked-block(2) length data
// which are concatenated in order. A missing or repeated block rejects the
// whole APDU.
#pragma once
#include <cstdint>

#include "p1/base/capacities.h"
#include "p1/base/error.h"
#include "p1/base/span.h"

namespace p1 {

constexpr uint8_t kTagGeneralBlockTransfer = 0xE0;

class GbtAssembler {
 public:
  enum class Status : uint8_t { kNeedMore, kComplete, kError };
  // Adds one block (starting with E0). On kComplete, apdu() holds the APDU.
  Status add(ByteSpan block, Error& error);
  MutableByteSpan apdu() { return MutableByteSpan(buffer_, length_); }
  void reset() {
    length_ = 0;
    next_block_ = 0;
  }

 private:
  uint8_t buffer_[kMaxTelegram];
  size_t length_ = 0;
  uint16_t next_block_ = 0;  // 0: no transfer in progress
};

}  // namespace p1

// Writes bytes to the meter's line as fast as its baud rate carries them:
// 11 bits a byte (8 data, parity, start, stop), in 20 ms pieces, until
// *stop is set. False when the other side is gone.
#pragma once
#include "telegram_encoder.h"

namespace p1sim {

bool write_paced(int fd, const p1enc::Bytes& bytes, int baud, volatile const int* stop);

}  // namespace p1sim

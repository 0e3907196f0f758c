#include "p1/base/flash_text.h"

namespace p1 {

void flash_copy(void* to, const void* from, size_t size) {
  const char* in = static_cast<const char*>(from);
  char* out = static_cast<char*>(to);
  for (size_t i = 0; i < size; ++i) out[i] = flash_char(in + i);
}

}  // namespace p1

#if !defined(ESP32)
#include <Updater.h>

#include "board.h"

namespace board {

String reset_reason() { return ESP.getResetReason(); }

void watchdog_start() { ESP.wdtEnable(8000); }

void watchdog_feed() { ESP.wdtFeed(); }

uint32_t free_heap() { return ESP.getFreeHeap(); }

String device_id() { return String(ESP.getChipId(), HEX); }

uint32_t max_update_size() { return (ESP.getFreeSketchSpace() - 0x1000) & 0xFFFFF000; }

String update_error() { return Update.getErrorString(); }

void Sha256::begin() { br_sha256_init(&context_); }
void Sha256::add(const uint8_t* data, size_t length) { br_sha256_update(&context_, data, length); }
void Sha256::finish(uint8_t out[32]) { br_sha256_out(&context_, out); }

}  // namespace board
#endif

#if !defined(ESP32)
// libgcc's signed 64-bit remainder is linked into IRAM (the core's linker
// script moves only the unsigned division helpers to flash), 873 B of the
// 32 KB that WiFi's interrupt code also needs. Its one caller is BearSSL's
// certificate date check, which runs from flash anyway: this definition,
// built on the unsigned helper the core keeps in flash, is linked instead.
extern "C" long long __moddi3(long long a, long long b) {
  unsigned long long ua = a < 0 ? 0ull - static_cast<unsigned long long>(a) : static_cast<unsigned long long>(a);
  unsigned long long ub = b < 0 ? 0ull - static_cast<unsigned long long>(b) : static_cast<unsigned long long>(b);
  unsigned long long r = ua % ub;  // the remainder takes the dividend's sign
  return a < 0 ? -static_cast<long long>(r) : static_cast<long long>(r);
}
#endif

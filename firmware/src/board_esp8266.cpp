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

#if defined(ESP32)
#include <esp_system.h>
#include <Update.h>
#include <esp_task_wdt.h>

#include "board.h"

namespace board {

String reset_reason() {
  switch (esp_reset_reason()) {
    case ESP_RST_POWERON: return "Power on";
    case ESP_RST_SW: return "Software/System restart";
    case ESP_RST_PANIC: return "Exception/panic";
    case ESP_RST_INT_WDT:
    case ESP_RST_TASK_WDT:
    case ESP_RST_WDT: return "Watchdog";
    case ESP_RST_BROWNOUT: return "Brownout (M-Bus power too weak?)";
    case ESP_RST_DEEPSLEEP: return "Deep sleep";
    default: return "Unknown";
  }
}

void watchdog_start() {
  esp_task_wdt_init(8, true);
  esp_task_wdt_add(nullptr);
}

void watchdog_feed() { esp_task_wdt_reset(); }

uint32_t free_heap() { return ESP.getFreeHeap(); }

String device_id() { return String(static_cast<uint32_t>(ESP.getEfuseMac() >> 24), HEX); }

// The OTA partition of the default partition table (1.25 MB).
uint32_t max_update_size() { return 0x140000; }

String update_error() { return Update.errorString(); }

void Sha256::begin() {
  mbedtls_sha256_init(&context_);
  mbedtls_sha256_starts_ret(&context_, 0);
}
void Sha256::add(const uint8_t* data, size_t length) { mbedtls_sha256_update_ret(&context_, data, length); }
void Sha256::finish(uint8_t out[32]) {
  mbedtls_sha256_finish_ret(&context_, out);
  mbedtls_sha256_free(&context_);
}

}  // namespace board
#endif

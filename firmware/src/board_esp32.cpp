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

uint32_t max_update_size() { return UPDATE_SIZE_UNKNOWN; }

String update_error() { return Update.errorString(); }

}  // namespace board
#endif

#include "wifi_link.h"

#include "board.h"

void WifiLink::begin(const char* ssid, const char* password, const String& host_name) {
  WiFi.persistent(false);  // the settings store is the one place for credentials
  WiFi.mode(WIFI_STA);
#if defined(ESP32)
  WiFi.setHostname(host_name.c_str());
#else
  WiFi.hostname(host_name);
#endif
  WiFi.setAutoReconnect(true);
  WiFi.begin(ssid, password);
}

void WifiLink::loop(uint32_t now_ms) {
  bool up = WiFi.status() == WL_CONNECTED;
  if (up != was_connected_) {
    was_connected_ = up;
    if (up) next_retry_ms_ = 0;
  }
  if (!up && static_cast<int32_t>(now_ms - next_retry_ms_) >= 0) {
    // The SDK retries on its own; a nudge every 30 s covers a changed AP.
    WiFi.reconnect();
    next_retry_ms_ = now_ms + 30000;
  }
}

bool WifiLink::connected() const { return WiFi.status() == WL_CONNECTED; }

String WifiLink::address() const { return WiFi.localIP().toString(); }

int WifiLink::rssi() const { return WiFi.RSSI(); }

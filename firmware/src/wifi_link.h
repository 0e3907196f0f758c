// WiFi station with reconnect; never blocks.
#pragma once
#include <Arduino.h>

class WifiLink {
 public:
  void begin(const char* ssid, const char* password, const String& host_name);
  // Call from loop(): restarts the association when it was lost.
  void loop(uint32_t now_ms);
  bool connected() const;
  String address() const;
  int rssi() const;

 private:
  uint32_t next_retry_ms_ = 0;
  bool was_connected_ = false;
};

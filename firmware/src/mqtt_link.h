// MQTT with PubSubClient over plain TCP or TLS (WiFiClientSecure with the
// configured certificate fingerprint). Reconnecting is paced so loop() keeps
// serving the UART: one short connect attempt, then a growing pause.
#pragma once
#include <PubSubClient.h>
#include <WiFiClient.h>
#include <WiFiClientSecure.h>

#include "p1/device/settings/settings.h"

class MqttLink {
 public:
  void begin(const p1::Settings& settings, const String& client_id);
  void loop(uint32_t now_ms, bool network_up);
  bool connected() { return mqtt_.connected(); }
  bool publish(const char* topic, const char* payload, bool retain);
  // True once right after each successful connect (time to announce).
  bool take_connected_event();
  const char* availability_topic() const { return will_topic_; }

 private:
  WiFiClient plain_;
  WiFiClientSecure secure_;
  PubSubClient mqtt_;
  char host_[65] = {};
  char user_[33] = {};
  char password_[65] = {};
  char client_id_[24] = {};
  char will_topic_[96] = {};
  char fingerprint_[96] = {};
  bool tls_ = false;
  bool connected_event_ = false;
  uint32_t next_attempt_ms_ = 0;
  uint32_t backoff_ms_ = 2000;
};

// The broker connection: PubSubClient over WiFiClient, or over
// WiFiClientSecure with the pinned certificate. With TLS the certificate is
// verified before a single MQTT byte is sent, so user and password never
// reach an unverified peer. Reconnects are paced and short.
#pragma once
#include <PubSubClient.h>
#include <WiFiClient.h>
#include <WiFiClientSecure.h>

#include "p1/device/settings/settings.h"

class MqttLink {
 public:
  // `settings` must outlive the link (its strings are used in place).
  void begin(const p1::Settings& settings, const String& client_id);
  void loop(uint32_t now_ms, bool network_up);
  bool connected() { return mqtt_.connected(); }
  bool publish(const char* topic, const char* payload, bool retain);
  // True once right after each successful connect (time to announce).
  bool take_connected_event();
  const char* availability_topic() const { return will_topic_; }
  // Why the last attempt failed, for the status ("" when connected).
  const char* last_error() const { return last_error_; }

 private:
  bool open_verified_tls();

  const p1::Settings* settings_ = nullptr;
  WiFiClient plain_;
  WiFiClientSecure secure_;
  PubSubClient mqtt_;
  char client_id_[24] = {};
  char will_topic_[80] = {};  // <base (64)>/availability
  uint8_t pin_[32] = {};
  uint8_t pin_size_ = 0;  // 20 (SHA-1) or 32 (SHA-256); 0 without TLS
  uint16_t port_ = 1883;
  bool connected_event_ = false;
  const char* last_error_ = "";
  uint32_t next_attempt_ms_ = 0;
  uint32_t backoff_ms_ = 2000;
};

#include "mqtt_link.h"

#include <cstring>

namespace {
void copy(char* out, size_t capacity, const char* text) {
  std::strncpy(out, text, capacity - 1);
  out[capacity - 1] = '\0';
}

size_t hex_digits(const char* s) {
  size_t n = 0;
  for (; *s; ++s) n += isxdigit(static_cast<unsigned char>(*s)) ? 1 : 0;
  return n;
}
}  // namespace

void MqttLink::begin(const p1::Settings& s, const String& client_id) {
  copy(host_, sizeof host_, s.get(p1::SettingId::kMqttHost));
  copy(user_, sizeof user_, s.get(p1::SettingId::kMqttUser));
  copy(password_, sizeof password_, s.get(p1::SettingId::kMqttPassword));
  copy(client_id_, sizeof client_id_, client_id.c_str());
  copy(fingerprint_, sizeof fingerprint_, s.get(p1::SettingId::kMqttFingerprint));
  snprintf(will_topic_, sizeof will_topic_, "%.64s/availability", s.get(p1::SettingId::kMqttBase));
  tls_ = std::strcmp(fingerprint_, "[insecure]") != 0;
  uint16_t port = static_cast<uint16_t>(atoi(s.get(p1::SettingId::kMqttPort)));
  if (tls_) {
#if defined(ESP32)
    // ESP32: the SHA-256 fingerprint is checked right after connecting.
    secure_.setInsecure();
#else
    // ESP8266 (BearSSL): the SHA-1 fingerprint is checked in the handshake.
    if (hex_digits(fingerprint_) == 40) {
      secure_.setFingerprint(fingerprint_);
    } else {
      Serial1.println(F("MQTT: the ESP8266 pins SHA-1 fingerprints (40 hex digits); refusing to connect"));
      tls_ = true;
      fingerprint_[0] = '\0';
    }
    secure_.setBufferSizes(4096, 512);  // fits the ESP8266's heap next to everything else
#endif
    secure_.setTimeout(3000);
    mqtt_.setClient(secure_);
  } else {
    plain_.setTimeout(3000);
    mqtt_.setClient(plain_);
  }
  mqtt_.setServer(host_, port);
  mqtt_.setBufferSize(1024);
  mqtt_.setKeepAlive(30);
  mqtt_.setSocketTimeout(3);
}

void MqttLink::loop(uint32_t now_ms, bool network_up) {
  if (mqtt_.connected()) {
    mqtt_.loop();
    return;
  }
  if (!network_up || static_cast<int32_t>(now_ms - next_attempt_ms_) < 0) return;
  if (tls_ && fingerprint_[0] == '\0') return;  // misconfigured pin: never connect unverified
  bool ok = mqtt_.connect(client_id_, user_[0] ? user_ : nullptr, password_[0] ? password_ : nullptr, will_topic_, 1,
                          true, "offline");
#if defined(ESP32)
  if (ok && tls_ && hex_digits(fingerprint_) == 64 && !secure_.verify(fingerprint_, nullptr)) {
    mqtt_.disconnect();  // not the pinned broker
    ok = false;
  }
#endif
  if (ok) {
    backoff_ms_ = 2000;
    connected_event_ = true;
    return;
  }
  next_attempt_ms_ = now_ms + backoff_ms_;
  if (backoff_ms_ < 60000) backoff_ms_ *= 2;
}

bool MqttLink::publish(const char* topic, const char* payload, bool retain) {
  return mqtt_.connected() && mqtt_.publish(topic, payload, retain);
}

bool MqttLink::take_connected_event() {
  bool was = connected_event_;
  connected_event_ = false;
  return was;
}

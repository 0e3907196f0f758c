#include "mqtt_link.h"

#include <cstring>

#include "p1/base/hex.h"

#if defined(ESP32)
#include <mbedtls/sha1.h>
#include <mbedtls/sha256.h>
#endif

void MqttLink::begin(const p1::Settings& s, const String& client_id) {
  settings_ = &s;
  std::strncpy(client_id_, client_id.c_str(), sizeof client_id_ - 1);
  snprintf_P(will_topic_, sizeof will_topic_, PSTR("%.64s/availability"), s.get(p1::SettingId::kMqttBase));  // fits: 64 + 13 + 1
  port_ = static_cast<uint16_t>(atoi(s.get(p1::SettingId::kMqttPort)));
  // The schema stores a fingerprint as 40 or 64 upper-case hex digits.
  const char* fp = s.get(p1::SettingId::kMqttFingerprint);
  size_t digits = std::strlen(fp);
  pin_size_ = 0;
  if ((digits == 40 || digits == 64) &&
      p1::parse_hex_exact(p1::Span<const char>(fp, digits), p1::MutableByteSpan(pin_, digits / 2))) {
    pin_size_ = static_cast<uint8_t>(digits / 2);
  }
  if (pin_size_ != 0) {
#if defined(ESP32)
    secure_.setInsecure();  // the chain is not checked; the pin is, in open_verified_tls()
#else
    // ESP8266 (BearSSL): the SHA-1 pin is checked inside the handshake.
    // Its WiFiClientSecure cannot show the peer certificate, so a SHA-256
    // pin cannot be checked there: refused (see loop), never ignored.
    if (pin_size_ == 20) secure_.setFingerprint(pin_);
    secure_.setBufferSizes(4096, 512);  // fits the ESP8266's heap next to everything else
#endif
    secure_.setTimeout(3000);
    mqtt_.setClient(secure_);
  } else {
    plain_.setTimeout(3000);
    mqtt_.setClient(plain_);
  }
  mqtt_.setServer(s.get(p1::SettingId::kMqttHost), port_);
  mqtt_.setBufferSize(1024);
  mqtt_.setKeepAlive(30);
  mqtt_.setSocketTimeout(3);
}

bool MqttLink::open_verified_tls() {
  const char* host = settings_->get(p1::SettingId::kMqttHost);
#if !defined(ESP32)
  if (pin_size_ != 20) {
    last_error_ = "the ESP8266 pins SHA-1 fingerprints (40 hex digits) only";
    return false;
  }
#endif
  if (!secure_.connect(host, port_)) {
    last_error_ = "TLS connection to the broker failed";
    return false;
  }
  uint8_t digest[32];
  bool have = false;
#if defined(ESP32)
  const mbedtls_x509_crt* cert = secure_.getPeerCertificate();
  if (cert != nullptr) {
    if (pin_size_ == 20) {
      have = mbedtls_sha1_ret(cert->raw.p, cert->raw.len, digest) == 0;
    } else {
      have = mbedtls_sha256_ret(cert->raw.p, cert->raw.len, digest, 0) == 0;
    }
  }
#else
  if (pin_size_ == 20) {
    std::memcpy(digest, pin_, 20);  // BearSSL refused the handshake otherwise
    have = true;
  }
#endif
  if (!have || std::memcmp(digest, pin_, pin_size_) != 0) {
    secure_.stop();
    last_error_ = "broker certificate does not match the pinned fingerprint";
    return false;
  }
  return true;
}

void MqttLink::loop(uint32_t now_ms, bool network_up) {
  if (mqtt_.connected()) {
    mqtt_.loop();
    return;
  }
  if (!network_up || static_cast<int32_t>(now_ms - next_attempt_ms_) < 0) return;
  const char* user = settings_->get(p1::SettingId::kMqttUser);
  const char* password = settings_->get(p1::SettingId::kMqttPassword);
  // With TLS the peer is verified first; PubSubClient then reuses the open
  // connection for CONNECT (it only dials when the client is not connected).
  bool ok = pin_size_ == 0 || open_verified_tls();
  ok = ok && mqtt_.connect(client_id_, user[0] ? user : nullptr, password[0] ? password : nullptr, will_topic_, 1, true,
                           "offline");
  if (ok) {
    backoff_ms_ = 2000;
    connected_event_ = true;
    last_error_ = "";
    return;
  }
  if (pin_size_ == 0 || last_error_[0] == '\0') last_error_ = "broker refused or unreachable";
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

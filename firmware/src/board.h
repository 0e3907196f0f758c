// What differs between the ESP8266 and the ESP32, in one place; each board's
// implementation is in board_esp8266.cpp / board_esp32.cpp.
#pragma once
#include <Arduino.h>

#if defined(ESP32)
#include <WebServer.h>
#include <WiFi.h>
using PortalServer = WebServer;
#else
#include <ESP8266WebServer.h>
#include <ESP8266WiFi.h>
using PortalServer = ESP8266WebServer;
#endif

#if defined(ESP32)
#include <mbedtls/sha256.h>
#else
#include <bearssl/bearssl_hash.h>
#endif

#include "p1/crypto/default_aes_gcm.h"
#include "p1/crypto/web_crypto.h"

namespace board {

#if defined(P1_CRYPTO_MBEDTLS)
using WebCrypto = p1::MbedTlsWebCrypto;
#else
using WebCrypto = p1::BearSslWebCrypto;
#endif

// SHA-256 of a firmware image as it is received.
class Sha256 {
 public:
  void begin();
  void add(const uint8_t* data, size_t length);
  void finish(uint8_t out[32]);

 private:
#if defined(ESP32)
  mbedtls_sha256_context context_;
#else
  br_sha256_context context_;
#endif
};

// Why the chip (re)started, e.g. "Power on", "Hardware Watchdog", "Software/System restart".
String reset_reason();
// Hardware watchdog: enable once, feed from loop().
void watchdog_start();
void watchdog_feed();
uint32_t free_heap();
// Short device id from the MAC/chip id, for the client id and the host name.
String device_id();
// Largest firmware image the update partition takes.
uint32_t max_update_size();
// The updater's last error, readable.
String update_error();

}  // namespace board

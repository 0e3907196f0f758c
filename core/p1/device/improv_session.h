// Improv Wi-Fi serial provisioning as the specification's state machine
// (https://www.improv-wifi.com/serial/): authorized -> provisioning (a
// "WiFi settings" RPC arrived; the device connects) -> provisioned (state
// and the RPC result with the device's URL), or, when the credentials do not
// connect in time, the error "unable to connect" and back to authorized with
// nothing kept. The firmware moves bytes and drives the WiFi; this decides
// what is answered and when. Host-tested.
#pragma once
#include <cstdint>

#include "p1/base/span.h"
#include "p1/device/improv_serial.h"

namespace p1 {

// What the session needs from the device.
class ImprovDevice {
 public:
  virtual void send_packet(ByteSpan packet) = 0;
  // Starts connecting with these credentials (they are not stored yet).
  virtual void connect(const char* ssid, const char* password) = 0;
  virtual bool connected() = 0;
  // "http://192.168.1.23/" once connected.
  virtual void url(CharSpan out) = 0;
  // Firmware name, version, hardware, device name.
  virtual void device_info(const char* out[4]) = 0;

 protected:
  ~ImprovDevice() = default;
};

class ImprovSession {
 public:
  static constexpr uint32_t kConnectTimeoutMs = 30000;
  enum class Outcome : uint8_t {
    kNone,
    kProvisioned,  // store the credentials now, then start MQTT and the page (no reboot)
    kFailed,       // the credentials did not connect: forget them
  };
  explicit ImprovSession(ImprovDevice& device) : device_(device) {}

  // An event of the ImprovParser (a command or an invalid packet).
  void on_event(const ImprovParser::Event& event, uint32_t now_ms);
  // Call from loop(): finishes a pending provisioning.
  Outcome tick(uint32_t now_ms);
  bool provisioning() const { return state_ == improv::kProvisioning; }
  // The credentials being tried (valid while provisioning or right after kProvisioned).
  const char* ssid() const { return ssid_; }
  const char* password() const { return password_; }

 private:
  void send_state(uint8_t state);
  void send_error(uint8_t error);

  ImprovDevice& device_;
  uint8_t state_ = improv::kAuthorized;
  uint32_t deadline_ms_ = 0;
  char ssid_[33] = {};
  char password_[65] = {};
};

}  // namespace p1

// The meter on the UART: after setup the port switches from the USB console
// (115200 8N1) to the meter's line settings (2400 8E1 by default) and every
// byte goes to the core's stream reader. The receive buffer holds more than
// a whole telegram, so even a blocking moment (a TLS handshake) loses nothing.
#pragma once
#include <Arduino.h>

#include "p1/pipeline/meter_stream.h"
#include "p1/device/settings/settings.h"

class MeterUart {
 public:
  static constexpr size_t kRxBuffer = 2048;  // EVN: 282 bytes per telegram; ~9 s at 2400 baud
  void begin(const p1::Settings& settings);
  // Another line setting (the automatic search): "8E1", "8N1", ...
  void begin(uint32_t baud, const char* format);
  // Reads what arrived; calls on_event for each reading or error. The
  // acknowledgement an AMIS meter waits for (the core decides, E5 only) goes
  // out on the UART's TX right after the bytes that asked for it.
  template <typename F>
  void poll(p1::MeterStreamCore& stream, F&& on_event) {
    stream.set_acknowledge(acknowledge_);
    uint8_t chunk[128];
    while (size_t n = Serial.available()) {
      if (n > sizeof chunk) n = sizeof chunk;
      n = Serial.readBytes(chunk, n);
      p1::ByteSpan in(chunk, n);
      while (p1::StreamEvent e = stream.push(in)) on_event(e);
      p1::ByteSpan reply = stream.take_reply();
      if (!reply.empty()) Serial.write(reply.data(), reply.size());
    }
  }

 private:
  bool acknowledge_ = true;  // the meter_ack setting
};

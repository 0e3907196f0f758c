// The device as the inverter's or the battery's meter (settings "sunspec"
// and "shelly", both off by default): a Fronius Smart Meter (TCP) on Modbus
// TCP port 502, unit 1, and a Shelly Pro 3EM over UDP RPC on port 1010 (its
// HTTP calls are the web portal's, on port 80 as a Shelly's). Every answer
// comes from the core (sunspec_meter, modbus_tcp, shelly_rpc), the same
// bytes as the Linux program serves; values older than kStaleAfterS are
// withheld (NaN registers, Shelly's "unavailable"), never served as live.
#pragma once
#include <WiFiClient.h>
#include <WiFiServer.h>
#include <WiFiUdp.h>

#include "p1/cosem/reading.h"
#include "p1/device/settings/settings.h"
#include "p1/output/grid_values.h"
#include "p1/output/modbus_tcp.h"
#include "p1/output/shelly_rpc.h"

class GridServices {
 public:
  static constexpr uint32_t kStaleAfterS = 60;  // as the Linux program's meter.stale_after default
  static constexpr uint16_t kModbusPort = 502;
  static constexpr uint8_t kUnitId = 1;
  static constexpr uint16_t kShellyUdpPort = 1010;

  void begin(const p1::Settings& settings, const String& node_id);
  void on_reading(const p1::Reading& reading, uint32_t now_ms);
  void loop(uint32_t now_ms);
  bool shelly_on() const { return shelly_; }
  // A Shelly HTTP call (/rpc/<method>?id=N, /shelly): the body into `out`
  // (NUL-terminated) and the HTTP status Shelly uses.
  int shelly_http(const char* method, uint64_t component, uint32_t now_ms, p1::CharSpan out);

 private:
  const p1::GridValues* current(uint32_t now_ms) const;
  void serve_modbus(uint32_t now_ms);
  void serve_udp(uint32_t now_ms);

  p1::GridValues values_;
  uint32_t taken_ms_ = 0;
  bool have_ = false;
  bool sunspec_ = false, shelly_ = false;
  WiFiServer modbus_server_{kModbusPort};
  WiFiClient modbus_client_;  // one inverter at a time; a new one replaces it
  p1::ModbusTcpFramer framer_;
  uint32_t last_byte_ms_ = 0;
  WiFiUDP udp_;
  char serial_[13] = {};       // the SunSpec serial and the Shelly's MAC: the chip's id
  char device_id_[26] = {};    // shellypro3em-<12 hex digits>
};

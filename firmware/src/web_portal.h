// The configuration page on the device: the embedded page (in flash) and the
// core's sealed calls (p1/device/web/sealed_calls.h), the same handler the
// Linux program runs; this file only moves bytes between ESP8266WebServer and
// it, and stores what a Save changed. A firmware update is accepted only for
// the image whose size and SHA-256 a logged-in page announced.
#pragma once
#include "board.h"
#include "device_demand.h"
#include "device_history.h"
#include "grid_services.h"
#include "p1/device/settings/settings_store.h"
#include "p1/device/web/sealed_calls.h"

class DeviceRandom final : public p1::RandomSource {
 public:
  void fill(p1::MutableByteSpan out) override;
};

class WebPortal final : public p1::WebBackend {
 public:
  WebPortal(p1::Settings& settings, p1::SettingsStore& store) : settings_(settings), store_(store) {}
  void begin();
  // The Shelly HTTP calls, the read-only API's demand figures, the history.
  void attach(GridServices* grid, const DeviceDemand* demand, DeviceHistory* history) {
    grid_ = grid;
    demand_ = demand;
    history_ = history;
  }
  void loop();
  // JSON of the last reading and the counters, for the live view.
  void set_values(const char* reading_json, const char* status_json);
  bool restart_requested() const { return restart_; }

  // p1::WebBackend
  void write_values(p1::TextBuffer& out) override;
  void write_history(p1::TextBuffer& out, size_t index, size_t part) override;
  const p1::Settings& settings() override { return settings_; }
  bool is_device() const override { return true; }
  const char* save(const p1::Settings& shown, const p1::Settings& updated) override;
  void request_restart() override { restart_ = true; }
  const char* begin_update(const uint8_t sha256[32], uint32_t size, char token[33]) override;

 private:
  void handle_call();
  void handle_upload();
  void handle_upload_done();
  void send(const p1::SealedCalls::Reply& reply);
  void handle_other();  // /api/v1/..., Shelly's /rpc/... and /shelly, else 404
  void handle_api();
  void send_api_history();

  GridServices* grid_ = nullptr;
  const DeviceDemand* demand_ = nullptr;
  DeviceHistory* history_ = nullptr;

  p1::Settings& settings_;
  p1::SettingsStore& store_;
  PortalServer server_{80};
  DeviceRandom random_;
  board::WebCrypto crypto_;
  p1::SealedCalls calls_{crypto_, random_, *this};
  String reading_json_;
  String status_json_;
  // Update: announced size and hash, the single-use token, the running hash.
  uint8_t update_sha256_[32] = {};
  uint32_t update_size_ = 0;
  uint8_t upload_token_[16] = {};
  uint32_t upload_token_ms_ = 0;
  bool upload_token_valid_ = false;
  bool upload_authorized_ = false;
  bool upload_ok_ = false;
  const __FlashStringHelper* upload_error_ = nullptr;
  board::Sha256 upload_hash_;
  bool restart_ = false;
};

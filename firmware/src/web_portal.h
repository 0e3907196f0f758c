// The configuration page on the device: the same embedded page and the same
// sealed exchange as the Linux program (core/p1/web/secure_exchange.h), plus
// a firmware update that only a logged-in page can start. Saving settings
// applies after a restart, as on the original device.
#pragma once
#include "board.h"
#include "p1/device/settings/settings_store.h"
#include "p1/device/web/secure_exchange.h"

class DeviceRandom final : public p1::RandomSource {
 public:
  void fill(p1::MutableByteSpan out) override;
};

class WebPortal {
 public:
  WebPortal(p1::Settings& settings, p1::SettingsStore& store) : settings_(settings), store_(store) {}
  void begin();
  void loop();
  // JSON of the last reading and the counters, for the live view.
  void set_values(const char* reading_json, const char* status_json);
  bool restart_requested() const { return restart_; }

 private:
  void handle_call();
  void handle_upload();
  void handle_upload_done();
  bool reply(const char* plaintext, const uint8_t nonce[p1::kNonceSize]);

  p1::Settings& settings_;
  p1::SettingsStore& store_;
  PortalServer server_{80};
  DeviceRandom random_;
  board::WebCrypto crypto_;
  p1::PasskeyBox box_{crypto_, random_};
  p1::NonceBook nonces_;
  p1::AttemptLimiter limiter_;
  String reading_json_;
  String status_json_;
  uint8_t upload_token_[p1::kNonceSize] = {};
  uint32_t upload_token_ms_ = 0;
  bool upload_token_valid_ = false;
  bool upload_authorized_ = false;
  bool upload_ok_ = false;
  bool restart_ = false;
};

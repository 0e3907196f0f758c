// The web page's API, once for both front-ends: GET /api/nonce and POST
// /api/call bodies in, response bodies out. cpp-httplib (Linux) and
// ESP8266WebServer (device) only move these bytes. Each call is opened with
// the passkey (secure_exchange.h), dispatched by its "op", answered and
// sealed; what a page may see or change is decided here, so both front-ends
// refuse and answer alike. No heap: the caller lends one buffer for the reply
// (the device's shared scratch area).
#pragma once
#include <cstdint>

#include "p1/base/text_buffer.h"
#include "p1/device/settings/settings.h"
#include "p1/device/web/secure_exchange.h"

namespace p1 {

// What the front-end behind the page provides.
class WebBackend {
 public:
  // {"meters":[{"name":..,"base":..,"reading":{..}|null,"status":{..}|null}]}
  virtual void write_values(TextBuffer& out) = 0;
  // The "history" call: {"meter":..,"live":[[t,W]..],"hours":[[start,Wh in,Wh out]..],"days":..,
  // "months":..,"peaks":[[day,W,at,complete]..]} of meter `index` (times in
  // the meter's wall clock, p1/history/history_sample.h). An answer that
  // does not fit one reply (the device's) is paged: it ends with "next":k,
  // and the page asks again with "part":k (HistoryRing::write_part).
  virtual void write_history(TextBuffer& out, size_t index, size_t part) {
    (void)index;
    (void)part;
    out.put("{\"error\":\"no history here\"}");
  }
  // The settings the page shows (the first meter's on Linux).
  virtual const Settings& settings() = 0;
  virtual bool is_device() const = 0;
  // Why Save cannot work here (read-only config), or nullptr.
  virtual const char* save_unavailable() const { return nullptr; }
  // Stores what the page changed (`shown` is what it was shown). nullptr on
  // success, else a message for the page.
  virtual const char* save(const Settings& shown, const Settings& updated) = 0;
  virtual void request_restart() = 0;
  // Firmware update: the device accepts an image of `size` bytes whose
  // SHA-256 is `sha256` and returns a single-use upload token (hex, 32
  // chars) in `token`; nullptr on success, else why not.
  virtual const char* begin_update(const uint8_t sha256[32], uint32_t size, char token[33]) {
    (void)sha256;
    (void)size;
    (void)token;
    return "firmware updates are made with the package manager here";
  }

 protected:
  ~WebBackend() = default;
};

// Where a reply's bytes go (an HTTP response body), in pieces.
class ReplyWriter {
 public:
  virtual void write(const char* data, size_t length) = 0;

 protected:
  ~ReplyWriter() = default;
};

class SealedCalls {
 public:
  struct Reply {
    int status = 200;
    size_t length = 0;           // bytes of the body send() will write
    uint32_t retry_after_s = 0;  // 429: when to try again
  };
  // Largest request body taken (hex doubles the sealed request).
  static constexpr size_t kMaxRequest = 4096;

  SealedCalls(WebCrypto& crypto, RandomSource& random, WebBackend& backend)
      : box_(crypto, random), random_(random), backend_(backend), nonces_(crypto) {}
  // Stretches the passkey (PBKDF2, kPasskeyIterations): once per start, it
  // takes a while on a device. False if that failed (the page stays off).
  bool set_passkey(Span<const char> passkey) { return box_.set_passkey(passkey); }
  bool has_passkey() const { return box_.has_passkey(); }

  // GET /api/nonce: {"nonce":..,"kdf_salt":..}, the nonce bound to `client`
  // (the same id call() gets); then send().
  Reply nonce(uint32_t client, uint32_t now_ms);
  // A nonce any client may use (front-ends that do not pass the client).
  Reply nonce(uint32_t now_ms) { return nonce(0, now_ms); }
  // POST /api/call. `body` is decoded in place; `scratch` holds the answer
  // while it is sealed (its size bounds the plaintext of a reply); `updated`
  // is scratch for a Save. `client` identifies the caller for the attempt
  // limit. Then send() writes the response, expanded to hex piece by piece,
  // so the reply never needs twice the memory of its plaintext.
  Reply call(uint32_t client, uint32_t now_ms, CharSpan body, MutableByteSpan scratch, Settings& updated);
  // Writes the body of the last reply; valid until the next call.
  void send(ReplyWriter& writer) const;

 private:
  Reply fail(int status, FlashText message, uint32_t retry_after_s = 0);
  bool answer(const char* op, size_t op_len, class JsonObjectReader& request, TextBuffer& plain, Settings& updated);
  void write_settings(TextBuffer& out);
  void write_save(class JsonObjectReader& request, TextBuffer& out, Settings& updated);

  PasskeyBox box_;
  RandomSource& random_;
  WebBackend& backend_;
  NonceBook nonces_;
  AttemptLimiter limiter_;
  // The last reply: a short JSON text (errors, nonces), or a sealed body.
  char text_[112] = {};
  size_t text_len_ = 0;
  ByteSpan sealed_;
  uint8_t salt_[kSaltSize] = {};
  uint8_t iv_[WebCrypto::kIvSize] = {};
  uint8_t tag_[WebCrypto::kTagSize] = {};
};

}  // namespace p1

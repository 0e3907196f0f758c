#include "web_portal.h"

#include <ArduinoJson.h>
#if defined(ESP32)
#include <Update.h>
#include <esp_random.h>
#else
#include <Updater.h>
#endif

#include <cstring>

#include "p1/base/hex.h"
#include "web_assets.h"

void DeviceRandom::fill(p1::MutableByteSpan out) {
#if defined(ESP32)
  esp_fill_random(out.data(), out.size());
#else
  // The ESP8266's hardware random number generator.
  for (size_t i = 0; i < out.size(); i += 4) {
    uint32_t r = RANDOM_REG32;
    for (size_t j = 0; j < 4 && i + j < out.size(); ++j) out[i + j] = static_cast<uint8_t>(r >> (8 * j));
  }
#endif
}

namespace {

bool hex_to(const char* hex, uint8_t* out, size_t n) {
  return hex != nullptr && std::strlen(hex) == 2 * n && p1::parse_hex_exact(p1::Span<const char>(hex, 2 * n), p1::MutableByteSpan(out, n));
}

String to_hex(const uint8_t* data, size_t n) {
  static const char kDigits[] = "0123456789abcdef";
  String out;
  out.reserve(2 * n);
  for (size_t i = 0; i < n; ++i) {
    out += kDigits[data[i] >> 4];
    out += kDigits[data[i] & 15];
  }
  return out;
}

void security_headers(PortalServer& server) {
  server.sendHeader("Cache-Control", "no-store");
  server.sendHeader("X-Content-Type-Options", "nosniff");
  server.sendHeader("X-Frame-Options", "DENY");
}

uint32_t client_of(PortalServer& server) { return static_cast<uint32_t>(server.client().remoteIP()); }

}  // namespace

void WebPortal::begin() {
  const char* key = settings_.get(p1::SettingId::kWebKey);
  box_.set_passkey(p1::Span<const char>(key, std::strlen(key)));
  server_.on("/", HTTP_GET, [this] {
    security_headers(server_);
    server_.sendHeader("Content-Encoding", "gzip");
    server_.send_P(200, "text/html; charset=utf-8", reinterpret_cast<const char*>(p1web::kIndexHtmlGz),
                   p1web::kIndexHtmlGzSize);
  });
  server_.on("/api/nonce", HTTP_GET, [this] {
    uint8_t nonce[p1::kNonceSize];
    nonces_.issue(random_, millis(), nonce);
    security_headers(server_);
    server_.send(200, "application/json", String("{\"nonce\":\"") + to_hex(nonce, sizeof nonce) + "\"}");
  });
  server_.on("/api/call", HTTP_POST, [this] { handle_call(); });
  server_.on("/update", HTTP_POST, [this] { handle_upload_done(); }, [this] { handle_upload(); });
  server_.begin();
}

void WebPortal::loop() { server_.handleClient(); }

void WebPortal::set_values(const char* reading_json, const char* status_json) {
  reading_json_ = reading_json;
  status_json_ = status_json;
}

bool WebPortal::reply(const char* plaintext, const uint8_t nonce[p1::kNonceSize]) {
  size_t n = std::strlen(plaintext);
  std::unique_ptr<uint8_t[]> body(new uint8_t[n]);
  std::memcpy(body.get(), plaintext, n);
  uint8_t salt[p1::kSaltSize], iv[p1::WebCrypto::kIvSize], tag[p1::WebCrypto::kTagSize];
  box_.seal(p1::ByteSpan(nonce, p1::kNonceSize), p1::MutableByteSpan(body.get(), n), salt, iv, tag);
  String out = String("{\"salt\":\"") + to_hex(salt, sizeof salt) + "\",\"iv\":\"" + to_hex(iv, sizeof iv) +
               "\",\"data\":\"" + to_hex(body.get(), n) + "\",\"tag\":\"" + to_hex(tag, sizeof tag) + "\"}";
  security_headers(server_);
  server_.send(200, "application/json", out);
  return true;
}

void WebPortal::handle_call() {
  auto fail = [this](int code, const char* message) {
    security_headers(server_);
    server_.send(code, "application/json", String("{\"error\":\"") + message + "\"}");
  };
  JsonDocument envelope;
  if (deserializeJson(envelope, server_.arg("plain"))) return fail(400, "malformed request");
  uint8_t nonce[p1::kNonceSize], salt[p1::kSaltSize], iv[p1::WebCrypto::kIvSize], tag[p1::WebCrypto::kTagSize];
  const char* data_hex = envelope["data"] | "";
  size_t data_len = std::strlen(data_hex) / 2;
  if (!hex_to(envelope["nonce"], nonce, sizeof nonce) || !hex_to(envelope["salt"], salt, sizeof salt) ||
      !hex_to(envelope["iv"], iv, sizeof iv) || !hex_to(envelope["tag"], tag, sizeof tag) || data_len > 4096) {
    return fail(400, "malformed request");
  }
  std::unique_ptr<uint8_t[]> data(new uint8_t[data_len + 1]);
  if (!hex_to(data_hex, data.get(), data_len)) return fail(400, "malformed request");
  uint32_t client = client_of(server_);
  uint32_t retry = 0;
  if (!limiter_.allowed(client, millis(), retry)) return fail(429, "too many wrong passkeys; wait");
  if (!nonces_.consume(nonce, millis())) return fail(403, "expired or reused request");
  if (!box_.open(salt, iv, p1::ByteSpan(nonce, sizeof nonce), p1::MutableByteSpan(data.get(), data_len), tag)) {
    limiter_.failure(client, millis());
    return fail(403, "wrong passkey");
  }
  limiter_.success(client);
  data[data_len] = 0;
  JsonDocument request;
  if (deserializeJson(request, reinterpret_cast<const char*>(data.get()))) return fail(400, "malformed request");
  String op = request["op"] | "";
  JsonDocument answer;
  if (op == "login") {
    answer["ok"] = true;
  } else if (op == "values") {
    JsonObject meter = answer["meters"].to<JsonArray>().add<JsonObject>();
    meter["name"] = "meter";
    meter["reading"] = serialized(reading_json_.length() ? reading_json_ : String("null"));
    meter["status"] = serialized(status_json_.length() ? status_json_ : String("null"));
  } else if (op == "settings") {
    JsonArray fields = answer["fields"].to<JsonArray>();
    for (const p1::SettingSpec& spec : p1::setting_specs()) {
      if (!spec.applies(true)) continue;
      JsonObject f = fields.add<JsonObject>();
      bool secret = spec.kind == p1::SettingKind::kSecret;
      f["key"] = spec.key;
      f["label"] = spec.label;
      f["secret"] = secret;
      f["expected"] = spec.expected;
      if (secret) f["set"] = settings_.length(spec.id) > 0;  // secrets never leave the device
      else f["value"] = settings_.get(spec.id);
    }
    answer["can_save"] = true;
    answer["ota"] = true;
  } else if (op == "save") {
    p1::Settings updated = settings_;
    JsonObject errors = answer["errors"].to<JsonObject>();
    for (JsonPair kv : request["settings"].as<JsonObject>()) {
      const char* key = kv.key().c_str();
      const p1::SettingSpec* spec = p1::find_setting(p1::Span<const char>(key, std::strlen(key)));
      const char* value = kv.value() | "";
      if (spec == nullptr || !spec->applies(true)) {
        errors[key] = "unknown setting";
      } else if (!(spec->kind == p1::SettingKind::kSecret && value[0] == '\0') &&
                 updated.set(spec->id, value) != p1::SettingError::kNone) {
        errors[key] = String("expected ") + spec->expected;
      }
    }
    if (errors.size() == 0) {
      if (store_.save(updated)) {
        settings_ = updated;  // takes effect after the restart
        answer["saved"] = true;
        answer["restart_needed"] = true;
      } else {
        errors["_"] = "cannot write the settings to flash";
      }
    }
  } else if (op == "restart") {
    restart_ = true;
    answer["ok"] = true;
  } else if (op == "ota_begin") {
    // A single-use token for the upload that follows (5 minutes).
    random_.fill(p1::MutableByteSpan(upload_token_, sizeof upload_token_));
    upload_token_ms_ = millis();
    upload_token_valid_ = true;
    answer["token"] = to_hex(upload_token_, sizeof upload_token_);
  } else {
    return fail(400, "unknown operation");
  }
  String text;
  serializeJson(answer, text);
  reply(text.c_str(), nonce);
}

void WebPortal::handle_upload() {
  HTTPUpload& upload = server_.upload();
  if (upload.status == UPLOAD_FILE_START) {
    uint8_t token[p1::kNonceSize];
    upload_authorized_ = upload_token_valid_ && millis() - upload_token_ms_ < 300000 &&
                         hex_to(server_.arg("token").c_str(), token, sizeof token) &&
                         std::memcmp(token, upload_token_, sizeof token) == 0;
    upload_token_valid_ = false;  // single use
    upload_ok_ = upload_authorized_ && Update.begin(board::max_update_size());
  } else if (upload.status == UPLOAD_FILE_WRITE && upload_ok_) {
    // The updater checks the image header (magic byte, flash layout) on the first block.
    upload_ok_ = Update.write(upload.buf, upload.currentSize) == upload.currentSize;
  } else if (upload.status == UPLOAD_FILE_END && upload_ok_) {
    upload_ok_ = Update.end(true);  // verifies the whole image before it can boot
  } else if (upload.status == UPLOAD_FILE_ABORTED) {
    Update.end(false);
    upload_ok_ = false;
  }
}

void WebPortal::handle_upload_done() {
  security_headers(server_);
  if (!upload_authorized_) {
    server_.send(403, "application/json", "{\"error\":\"log in first: no valid upload token\"}");
    return;
  }
  if (!upload_ok_) {
    server_.send(400, "application/json", String("{\"error\":\"image refused: ") + board::update_error() + "\"}");
    return;
  }
  server_.send(200, "application/json", "{\"ok\":true,\"message\":\"update installed; restarting\"}");
  restart_ = true;
}

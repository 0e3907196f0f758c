#include "web_portal.h"

#if defined(ESP32)
#include <Update.h>
#include <esp_random.h>
#else
#include <Updater.h>
#endif

#include <cstring>

#include "p1/base/hex.h"
#include "p1/device/web/api_access.h"
#include "p1/output/json_text.h"
#include "scratch.h"
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

void security_headers(PortalServer& server) {
  server.sendHeader(F("Cache-Control"), F("no-store"));
  server.sendHeader(F("X-Content-Type-Options"), F("nosniff"));
  server.sendHeader(F("X-Frame-Options"), F("DENY"));
}

uint32_t client_of(PortalServer& server) { return static_cast<uint32_t>(server.client().remoteIP()); }

class ServerWriter final : public p1::ReplyWriter {
 public:
  explicit ServerWriter(PortalServer& server) : server_(server) {}
  void write(const char* data, size_t length) override { server_.sendContent(data, length); }

 private:
  PortalServer& server_;
};

}  // namespace

void WebPortal::begin() {
  const char* key = settings_.get(p1::SettingId::kWebKey);
  calls_.set_passkey(p1::Span<const char>(key, std::strlen(key)));
  server_.on(F("/"), HTTP_GET, [this] {
    security_headers(server_);
    server_.sendHeader(F("Content-Encoding"), F("gzip"));
    server_.send_P(200, PSTR("text/html; charset=utf-8"), reinterpret_cast<const char*>(p1web::kIndexHtmlGz),
                   p1web::kIndexHtmlGzSize);
  });
  server_.on(F("/api/nonce"), HTTP_GET, [this] { send(calls_.nonce(client_of(server_), millis())); });
  server_.on(F("/api/call"), HTTP_POST, [this] { handle_call(); });
  server_.on(F("/update"), HTTP_POST, [this] { handle_upload_done(); }, [this] { handle_upload(); });
  server_.collectHeaders("Authorization");  // the read-only API's token
  server_.onNotFound([this] { handle_other(); });
  server_.begin();
}

void WebPortal::loop() { server_.handleClient(); }

void WebPortal::handle_other() {
  const String& uri = server_.uri();
  if (uri.startsWith(F("/api/v1/"))) return handle_api();
  bool rpc = uri.startsWith(F("/rpc/")) && uri.length() <= 5 + 40;
  if (grid_ != nullptr && grid_->shelly_on() && (rpc || uri == F("/shelly"))) {
    uint64_t component = 0;
    if (server_.hasArg(F("id"))) {
      const String& id = server_.arg(F("id"));
      char* end = nullptr;
      unsigned long long v = strtoull(id.c_str(), &end, 10);
      component = id.length() == 0 || *end != '\0' || id[0] == '-' ? UINT64_MAX : v;
    }
    char* body = scratch().render;
    int status = grid_->shelly_http(rpc ? uri.c_str() + 5 : "Shelly.GetDeviceInfo", component, millis(),
                                    p1::CharSpan(body, sizeof(Scratch::render)));
    server_.send(status, F("application/json"), body);
    return;
  }
  server_.send(404, F("application/json"), F("{\"error\":\"not found\"}"));
}

// GET /api/v1/values: the figures only, never a setting or a secret (as the
// Linux program's; the door is the core's, p1/device/web/api_access.h).
void WebPortal::handle_api() {
  security_headers(server_);
  if (std::strcmp(settings_.get(p1::SettingId::kWebApi), "1") != 0) {
    server_.send(404, F("application/json"), F("{\"error\":\"the API is off: switch on Read-only JSON API in the settings\"}"));
    return;
  }
  const char* token = settings_.get(p1::SettingId::kWebApiToken);
  if (token[0] != '\0' && std::strcmp(token, settings_.get(p1::SettingId::kWebKey)) == 0) {
    // The token crosses the LAN in the clear: it must not open the page too.
    server_.send(503, F("application/json"), F("{\"error\":\"the API token equals the webpage key: choose another\"}"));
    return;
  }
  const String& given = server_.header(F("Authorization"));
  p1::ApiAccess access = p1::check_api_access(crypto_, p1::Span<const char>(given.c_str(), given.length()),
                                              p1::Span<const char>(token, std::strlen(token)));
  if (access != p1::ApiAccess::kAllowed) {
    server_.sendHeader(F("WWW-Authenticate"), F("Bearer realm=\"p1bridge\""));
    server_.send_P(401, PSTR("application/json"), static_cast<const char*>(p1::api_refusal_json(access).flash_address()));
    return;
  }
  if (server_.uri() == F("/api/v1/history") && history_ != nullptr) return send_api_history();
  if (server_.uri() != F("/api/v1/values")) {
    server_.send(404, F("application/json"), F("{\"error\":\"not found: /api/v1/values or /api/v1/history\"}"));
    return;
  }
  server_.setContentLength(CONTENT_LENGTH_UNKNOWN);
  server_.send(200, F("application/json"), "");
  server_.sendContent(F("{\"meters\":[{\"name\":\"meter\",\"reading\":"));
  server_.sendContent(reading_json_.length() ? reading_json_ : String(F("null")));
  server_.sendContent(F(",\"counters\":"));
  server_.sendContent(status_json_.length() ? status_json_ : String(F("null")));
  server_.sendContent(F(",\"demand\":"));
  char* demand = scratch().render;
  if (demand_ != nullptr) {
    demand_->render(p1::CharSpan(demand, sizeof(Scratch::render)));
  } else {
    std::strcpy(demand, "null");
  }
  server_.sendContent(demand);
  server_.sendContent(F("}]}"));
  server_.sendContent("");  // the chunked answer's end
}

// GET /api/v1/history: the Linux program's answer, one series per chunk
// (each rendered into the web answer's buffer: no sealed call runs now).
void WebPortal::send_api_history() {
  server_.setContentLength(CONTENT_LENGTH_UNKNOWN);
  server_.send(200, F("application/json"), "");
  server_.sendContent(F("{\"meters\":[{\"meter\":\"meter\""));
  char* text = reinterpret_cast<char*>(scratch().web.reply);
  for (size_t i = 0; i < p1::kHistorySeriesCount; ++i) {
    p1::TextBuffer out(p1::CharSpan(text, sizeof(ScratchWeb::reply)));
    out.put(',');
    history_->write_series(out, static_cast<p1::HistorySeries>(i));
    if (!out.overflow()) server_.sendContent(text, out.size());
  }
  server_.sendContent(F("}]}"));
  server_.sendContent("");
}

void WebPortal::write_history(p1::TextBuffer& out, size_t index, size_t part) {
  if (history_ == nullptr) return p1::WebBackend::write_history(out, index, part);
  if (index != 0) {
    out.put(P1_TEXT("{\"error\":\"no such meter\"}"));
    return;
  }
  history_->write_part(out, part);
}

void WebPortal::set_values(const char* reading_json, const char* status_json) {
  if (reading_json != nullptr) reading_json_ = reading_json;
  if (status_json != nullptr) status_json_ = status_json;
}

void WebPortal::write_values(p1::TextBuffer& out) {
  out.put(P1_TEXT("{\"meters\":[{\"name\":\"meter\",\"base\":"));
  p1::put_json_string(out, settings_.get(p1::SettingId::kMqttBase));
  out.put(P1_TEXT(",\"reading\":"));
  out.put(reading_json_.length() ? reading_json_.c_str() : "null");
  out.put(P1_TEXT(",\"status\":"));
  out.put(status_json_.length() ? status_json_.c_str() : "null");
  out.put(P1_TEXT("}]}"));
}

const char* WebPortal::save(const p1::Settings&, const p1::Settings& updated) {
  if (!store_.save(updated)) return "cannot write the settings to flash";
  settings_ = updated;  // takes effect after the restart
  return nullptr;
}

void WebPortal::send(const p1::SealedCalls::Reply& reply) {
  security_headers(server_);
  if (reply.retry_after_s > 0) server_.sendHeader(F("Retry-After"), String(reply.retry_after_s));
  server_.setContentLength(reply.length);
  server_.send(reply.status, F("application/json"), "");
  ServerWriter writer(server_);
  calls_.send(writer);
}

void WebPortal::handle_call() {
  // The request body is decoded in place: the String's buffer is ours.
  String& body = const_cast<String&>(server_.arg("plain"));
  p1::CharSpan request(body.begin(), body.length());
  // Save's scratch settings and the sealed answer share the device's one
  // scratch area with the other stages that never run at the same time.
  ScratchWeb& web = scratch().web;
  send(calls_.call(client_of(server_), millis(), request, p1::MutableByteSpan(web.reply, sizeof web.reply),
                   web.settings));
}

const char* WebPortal::begin_update(const uint8_t sha256[32], uint32_t size, char token[33]) {
  if (size == 0 || size > board::max_update_size()) return "the image is larger than this device's update space";
  std::memcpy(update_sha256_, sha256, sizeof update_sha256_);
  update_size_ = size;
  random_.fill(p1::MutableByteSpan(upload_token_, sizeof upload_token_));
  upload_token_ms_ = millis();
  upload_token_valid_ = true;
  p1::write_hex(p1::ByteSpan(upload_token_, sizeof upload_token_), p1::CharSpan(token, 32));
  token[32] = '\0';
  return nullptr;
}

void WebPortal::handle_upload() {
  HTTPUpload& upload = server_.upload();
  if (upload.status == UPLOAD_FILE_START) {
    uint8_t token[sizeof upload_token_];
    const String& given = server_.arg("token");
    upload_authorized_ = upload_token_valid_ && millis() - upload_token_ms_ < 300000 &&
                         given.length() == 2 * sizeof token &&
                         p1::parse_hex_exact(p1::Span<const char>(given.c_str(), given.length()),
                                             p1::MutableByteSpan(token, sizeof token)) &&
                         std::memcmp(token, upload_token_, sizeof token) == 0;
    upload_token_valid_ = false;  // single use
    upload_error_ = upload_authorized_ ? nullptr : F("log in first: no valid upload token");
    upload_ok_ = upload_authorized_ && Update.begin(update_size_);
    if (upload_authorized_ && !upload_ok_) upload_error_ = F("the updater refused to start");
    upload_hash_.begin();
  } else if (upload.status == UPLOAD_FILE_WRITE && upload_ok_) {
    // The updater checks the image header (magic byte, flash layout) on the first block.
    upload_hash_.add(upload.buf, upload.currentSize);
    upload_ok_ = Update.write(upload.buf, upload.currentSize) == upload.currentSize;
    if (!upload_ok_) upload_error_ = F("writing the image failed");
  } else if (upload.status == UPLOAD_FILE_END && upload_ok_) {
    // Only the image the logged-in page announced may boot: its SHA-256 is
    // compared before the updater marks it bootable.
    uint8_t digest[32];
    upload_hash_.finish(digest);
    if (Update.size() != update_size_ || std::memcmp(digest, update_sha256_, sizeof digest) != 0) {
      Update.end(false);
      upload_ok_ = false;
      upload_error_ = F("the image is not the one the page announced (size or SHA-256 differ)");
    } else {
      upload_ok_ = Update.end(true);
      if (!upload_ok_) upload_error_ = F("the updater refused the image");
    }
  } else if (upload.status == UPLOAD_FILE_ABORTED) {
    Update.end(false);
    upload_ok_ = false;
    upload_error_ = F("upload aborted");
  }
}

void WebPortal::handle_upload_done() {
  security_headers(server_);
  if (!upload_ok_) {
    String body = String(F("{\"error\":\"")) + String(upload_error_ ? upload_error_ : F("no image")) + F("\"}");
    server_.send(upload_authorized_ ? 400 : 403, F("application/json"), body);
    return;
  }
  server_.send(200, F("application/json"), F("{\"ok\":true,\"message\":\"update installed; restarting\"}"));
  restart_ = true;
}

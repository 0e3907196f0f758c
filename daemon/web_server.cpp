#include "web_server.h"

#include <httplib.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "linux_platform.h"
#include "log.h"
#include "p1/crypto/web_crypto.h"
#include "p1/base/hex.h"
#include "p1/device/settings/settings.h"
#include "p1/device/web/secure_exchange.h"
#include "settings_bridge.h"
#include "web_assets.h"

namespace p1d {

using nlohmann::json;

void WebState::resize(size_t meters) {
  std::lock_guard<std::mutex> lock(mutex_);
  meters_.resize(meters);
}

void WebState::set_meter(size_t i, const std::string& name, const std::string& base) {
  std::lock_guard<std::mutex> lock(mutex_);
  meters_[i].name = name;
  meters_[i].base = base;
}

void WebState::update(size_t i, const std::string& reading, const std::string& status) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!reading.empty()) meters_[i].reading = reading;
  meters_[i].status = status;
}

std::string WebState::values_json() const {
  std::lock_guard<std::mutex> lock(mutex_);
  json meters = json::array();
  for (const Meter& m : meters_) {
    json entry = {{"name", m.name}, {"base", m.base}};
    entry["reading"] = m.reading.empty() ? json() : json::parse(m.reading, nullptr, false);
    entry["status"] = m.status.empty() ? json() : json::parse(m.status, nullptr, false);
    meters.push_back(entry);
  }
  return meters.dump();
}

namespace {

uint32_t now_ms() {
  return static_cast<uint32_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count());
}

uint32_t client_id(const std::string& address) {
  uint32_t h = 2166136261u;  // FNV-1a
  for (char c : address) h = (h ^ static_cast<uint8_t>(c)) * 16777619u;
  return h;
}

bool from_hex(const std::string& hex, std::vector<uint8_t>& out, size_t expected = SIZE_MAX) {
  if (hex.size() % 2 != 0 || (expected != SIZE_MAX && hex.size() != 2 * expected)) return false;
  out.resize(hex.size() / 2);
  return p1::parse_hex_exact(p1::Span<const char>(hex.data(), hex.size()), p1::MutableByteSpan(out.data(), out.size()));
}

std::string to_hex(const uint8_t* data, size_t n) {
  std::string out(2 * n, '0');
  p1::write_hex(p1::ByteSpan(data, n), p1::CharSpan(&out[0], out.size()));
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void common_headers(httplib::Response& res) {
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Referrer-Policy", "no-referrer");
}

}  // namespace

struct WebServer::Impl {
  Config config;
  std::string config_path;
  WebState& state;
  httplib::Server server;
  std::mutex mutex;  // guards the exchange state below
  LinuxRandom random;
  p1::BearSslWebCrypto crypto;
  p1::PasskeyBox box{crypto, random};
  p1::NonceBook nonces;
  p1::AttemptLimiter limiter;

  Impl(const Config& c, std::string path, WebState& s) : config(c), config_path(std::move(path)), state(s) {
    box.set_passkey(p1::Span<const char>(config.web.key.data(), config.web.key.size()));
  }

  json settings_reply() {
    p1::Settings settings = settings_from_config(config);
    json fields = json::array();
    for (const p1::SettingSpec& spec : p1::setting_specs()) {
      if (!spec.applies(false)) continue;
      bool secret = spec.kind == p1::SettingKind::kSecret;
      json f = {{"key", spec.key}, {"label", spec.label}, {"secret", secret}, {"expected", spec.expected}};
      // Secrets never leave the server: only whether one is set.
      if (secret) {
        f["set"] = settings.length(spec.id) > 0;
      } else {
        f["value"] = settings.get(spec.id);
      }
      fields.push_back(f);
    }
    return {{"fields", fields}, {"can_save", !config_path.empty()}};
  }

  json save(const json& request) {
    p1::Settings settings = settings_from_config(config);
    json errors = json::object();
    if (!request.contains("settings") || !request["settings"].is_object()) return {{"errors", {{"_", "no settings"}}}};
    for (auto it = request["settings"].begin(); it != request["settings"].end(); ++it) {
      const p1::SettingSpec* spec = p1::find_setting(p1::Span<const char>(it.key().data(), it.key().size()));
      if (spec == nullptr || !spec->applies(false) || !it.value().is_string()) {
        errors[it.key()] = "unknown setting";
        continue;
      }
      std::string value = it.value();
      if (spec->kind == p1::SettingKind::kSecret && value.empty()) continue;  // empty keeps the stored secret
      if (settings.set(spec->id, p1::Span<const char>(value.data(), value.size())) != p1::SettingError::kNone) {
        errors[it.key()] = std::string("expected ") + spec->expected;
      }
    }
    if (!errors.empty()) return {{"errors", errors}};
    if (config_path.empty()) return {{"errors", {{"_", "p1bridge was started without --config: nothing to save to"}}}};
    Config updated = config;
    apply_settings(settings, updated);
    std::string error = save_config_file(config_path, updated);
    if (!error.empty()) return {{"errors", {{"_", error}}}};
    config = updated;  // the page shows the saved values; p1bridge applies them at restart
    P1_LOG_INFO("web: settings saved to %s (applied at restart)", config_path.c_str());
    return {{"saved", true}, {"restart_needed", true}};
  }

  void handle_call(const httplib::Request& req, httplib::Response& res, std::atomic<bool>& restart) {
    common_headers(res);
    auto fail = [&](int status, const std::string& message, uint32_t retry_ms = 0) {
      res.status = status;
      json body = {{"error", message}};
      if (retry_ms > 0) {
        body["retry_after"] = (retry_ms + 999) / 1000;
        res.set_header("Retry-After", std::to_string((retry_ms + 999) / 1000));
      }
      res.set_content(body.dump(), "application/json");
    };
    json envelope = json::parse(req.body, nullptr, false);
    std::vector<uint8_t> nonce, salt, iv, data, tag;
    if (!envelope.is_object() || !from_hex(envelope.value("nonce", ""), nonce, p1::kNonceSize) ||
        !from_hex(envelope.value("salt", ""), salt, p1::kSaltSize) ||
        !from_hex(envelope.value("iv", ""), iv, p1::WebCrypto::kIvSize) || !from_hex(envelope.value("data", ""), data) ||
        !from_hex(envelope.value("tag", ""), tag, p1::WebCrypto::kTagSize) || data.size() > 16384) {
      return fail(400, "malformed request");
    }
    uint32_t client = client_id(req.remote_addr);
    std::unique_lock<std::mutex> lock(mutex);
    uint32_t retry = 0;
    if (!limiter.allowed(client, now_ms(), retry)) return fail(429, "too many wrong passkeys; wait", retry);
    if (!nonces.consume(nonce.data(), now_ms())) return fail(403, "expired or reused request");
    if (!box.open(salt.data(), iv.data(), p1::ByteSpan(nonce.data(), nonce.size()),
                  p1::MutableByteSpan(data.data(), data.size()), tag.data())) {
      limiter.failure(client, now_ms());
      P1_LOG_WARN("web: wrong passkey from %s", req.remote_addr.c_str());
      return fail(403, "wrong passkey");
    }
    limiter.success(client);
    lock.unlock();

    json request = json::parse(std::string(data.begin(), data.end()), nullptr, false);
    std::string op = request.is_object() ? request.value("op", "") : "";
    json reply;
    if (op == "login") {
      reply = {{"ok", true}};
    } else if (op == "values") {
      reply = {{"meters", json::parse(state.values_json())}};
    } else if (op == "settings") {
      reply = settings_reply();
    } else if (op == "save") {
      reply = save(request);
    } else if (op == "restart") {
      P1_LOG_INFO("web: restart requested");
      restart = true;
      reply = {{"ok", true}};
    } else {
      return fail(400, "unknown operation");
    }
    std::string text = reply.dump();
    std::vector<uint8_t> body(text.begin(), text.end());
    uint8_t out_salt[p1::kSaltSize], out_iv[p1::WebCrypto::kIvSize], out_tag[p1::WebCrypto::kTagSize];
    lock.lock();
    box.seal(p1::ByteSpan(nonce.data(), nonce.size()), p1::MutableByteSpan(body.data(), body.size()), out_salt,
             out_iv, out_tag);
    lock.unlock();
    json sealed = {{"salt", to_hex(out_salt, sizeof out_salt)},
                   {"iv", to_hex(out_iv, sizeof out_iv)},
                   {"data", to_hex(body.data(), body.size())},
                   {"tag", to_hex(out_tag, sizeof out_tag)}};
    res.set_content(sealed.dump(), "application/json");
  }
};

WebServer::WebServer(const Config& config, std::string config_path, WebState& state)
    : impl_(std::make_unique<Impl>(config, std::move(config_path), state)) {}

WebServer::~WebServer() { stop(); }

std::string WebServer::start() {
  Impl& s = *impl_;
  s.server.Get("/", [](const httplib::Request&, httplib::Response& res) {
    common_headers(res);
    res.set_header("Content-Encoding", "gzip");
    res.set_header("Content-Security-Policy",
                   "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; "
                   "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'");
    res.set_content(reinterpret_cast<const char*>(p1web::kIndexHtmlGz), p1web::kIndexHtmlGzSize, "text/html; charset=utf-8");
  });
  s.server.Get("/api/nonce", [this](const httplib::Request&, httplib::Response& res) {
    common_headers(res);
    uint8_t nonce[p1::kNonceSize];
    {
      std::lock_guard<std::mutex> lock(impl_->mutex);
      impl_->nonces.issue(impl_->random, now_ms(), nonce);
    }
    res.set_content(json{{"nonce", to_hex(nonce, sizeof nonce)}}.dump(), "application/json");
  });
  s.server.Post("/api/call", [this](const httplib::Request& req, httplib::Response& res) {
    impl_->handle_call(req, res, restart_);
  });
  s.server.set_payload_max_length(64 * 1024);
  if (!s.server.bind_to_port(s.config.web.bind.c_str(), s.config.web.port)) {
    return "web: cannot listen on " + s.config.web.bind + ":" + std::to_string(s.config.web.port);
  }
  thread_ = std::thread([this] { impl_->server.listen_after_bind(); });
  P1_LOG_INFO("web: configuration page on http://%s:%d/", s.config.web.bind.c_str(), s.config.web.port);
  return {};
}

void WebServer::stop() {
  if (thread_.joinable()) {
    impl_->server.stop();
    thread_.join();
  }
}

}  // namespace p1d

#include "web_server.h"

#include <cerrno>
#include <cstring>

#include <httplib.h>
#include <fcntl.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "linux_platform.h"
#include "log.h"
#include "p1/crypto/web_crypto.h"
#include "config_keys.h"
#include "p1/device/web/api_access.h"
#include "p1/device/web/sealed_calls.h"
#include "p1/output/json_text.h"
#include "history_store.h"
#include "web_assets.h"

namespace p1d {

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

namespace {
std::string json_string(const std::string& text) {
  char quoted[512];
  p1::TextBuffer buffer(p1::CharSpan(quoted, sizeof quoted));
  p1::put_json_string(buffer, p1::Span<const char>(text.data(), text.size()));
  return std::string(quoted, buffer.size());
}
const std::string& or_null(const std::string& json) {
  static const std::string null = "null";
  return json.empty() ? null : json;
}
}  // namespace

std::string WebState::meters_json(std::string (*fields)(const Meter&)) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string out = "{\"meters\":[";
  for (size_t i = 0; i < meters_.size(); ++i) out += (i > 0 ? ",{\"name\":" : "{\"name\":") + fields(meters_[i]) + "}";
  return out + "]}";
}

std::string WebState::history_json(size_t index) const {
  std::string name;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (history_ == nullptr) return "{\"error\":\"no history: see the log\"}";
    if (index >= meters_.size()) return "{\"error\":\"no such meter\"}";
    name = meters_[index].name;
  }
  std::string series = history_->series_json(name);
  if (series.empty() || series[0] != '{' || series.compare(0, 9, "{\"error\":") == 0) return series;
  // Meter names are letters, digits, - and _ (config_keys.cpp): no escaping.
  return "{\"meter\":\"" + name + "\"," + series.substr(1);
}

std::string WebState::all_history_json() const {
  size_t count;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    count = meters_.size();
  }
  std::string out = "{\"meters\":[";
  for (size_t i = 0; i < count; ++i) out += (i > 0 ? "," : "") + history_json(i);
  return out + "]}";
}

std::string WebState::values_json() const {
  return meters_json([](const Meter& m) {
    return json_string(m.name) + ",\"base\":" + json_string(m.base) + ",\"reading\":" + or_null(m.reading) +
           ",\"status\":" + or_null(m.status);
  });
}

void WebState::update_api(size_t i, const std::string& counters, const std::string& demand) {
  std::lock_guard<std::mutex> lock(mutex_);
  meters_[i].counters = counters;
  meters_[i].demand = demand;
}

std::string WebState::api_values_json() const {
  return meters_json([](const Meter& m) {
    return json_string(m.name) + ",\"reading\":" + or_null(m.reading) + ",\"counters\":" + or_null(m.counters) +
           ",\"demand\":" + or_null(m.demand);
  });
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

// Save writes <config>.tmp beside the config and renames it over the file, so
// it needs the folder writable. Tried once at start with a scratch file (not
// access(): that ignores read-only mounts such as systemd's ProtectSystem=),
// so the page can say at once that Save is off and how to fix it, rather
// than fail when the user clicks. Empty if the folder is writable.
std::string save_blocked_reason(const std::string& config_path) {
  size_t slash = config_path.find_last_of('/');
  std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : config_path.substr(0, slash);
  std::string probe = dir + "/.p1bridge-save-check-XXXXXX";
  int fd = mkostemp(&probe[0], O_CLOEXEC);
  if (fd >= 0) {
    ::close(fd);
    ::unlink(probe.c_str());
    return {};
  }
  int error = errno;
  std::string user = "the user p1bridge runs as";
  if (const passwd* pw = getpwuid(geteuid())) user = pw->pw_name;
  std::string why = "Save is off: p1bridge cannot write to " + dir + " (" + std::strerror(error) + ").";
  if (error == EROFS) {
    return why + " The folder is read-only for this service: run p1bridge with the shipped systemd unit, whose "
                 "ConfigurationDirectory=p1bridge keeps /etc/p1bridge writable (or keep the config in a writable "
                 "folder), then restart p1bridge.";
  }
  return why + " Make the folder and the config file belong to " + user + " (sudo chown -R " + user + ": " + dir +
         " && sudo chmod 700 " + dir + "; the shipped systemd unit runs as p1bridge with "
         "ConfigurationDirectory=p1bridge), then restart p1bridge.";
}

void common_headers(httplib::Response& res) {
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Referrer-Policy", "no-referrer");
}

}  // namespace

// The Linux side of the page's API: the core's SealedCalls does the work;
// this supplies the values, the settings and the config file.
struct WebServer::Impl final : p1::WebBackend {
  Config config;
  std::string config_path;
  WebState& state;
  std::atomic<bool>& restart;
  httplib::Server server;
  // httplib answers on worker threads: one call at a time, so a Save never
  // races a read of the settings.
  std::mutex mutex;
  LinuxRandom random;
  p1::BearSslWebCrypto crypto;
  p1::SealedCalls calls{crypto, random, *this};
  p1::Settings shown;
  p1::Settings scratch;
  std::string values;  // this call's snapshot of the meters' values (under `mutex`)

  std::string save_blocked;  // why Save cannot work, found at start

  Impl(const Config& c, std::string path, WebState& s, std::atomic<bool>& r)
      : config(c), config_path(std::move(path)), state(s), restart(r) {
    // PBKDF2 once per start (a few milliseconds here).
    if (!config.web.key.empty() &&
        !calls.set_passkey(p1::Span<const char>(config.web.key.data(), config.web.key.size()))) {
      P1_LOG_ERROR("web: cannot derive the page's key from the web key; the page stays locked");
    }
    shown = settings_from_config(config);
    if (config_path.empty()) {
      save_blocked = "p1bridge was started without --config: nothing to save to";
    } else {
      save_blocked = save_blocked_reason(config_path);
      if (!save_blocked.empty()) P1_LOG_WARN("web: %s", save_blocked.c_str());
    }
  }

  void write_values(p1::TextBuffer& out) override { out.put(values.data(), values.size()); }
  // The whole answer at once (the reply buffer here holds it): never paged.
  void write_history(p1::TextBuffer& out, size_t index, size_t /*part*/) override {
    std::string json = state.history_json(index);
    out.put(json.data(), json.size());
  }
  const p1::Settings& settings() override { return shown; }
  bool is_device() const override { return false; }
  const char* save_unavailable() const override { return save_blocked.empty() ? nullptr : save_blocked.c_str(); }
  const char* save(const p1::Settings& before, const p1::Settings& after) override {
    static thread_local std::string error;
    error = save_settings(config_path, &before, after);
    if (!error.empty()) return error.c_str();
    shown = after;  // the page shows the saved values; p1bridge applies them at restart
    P1_LOG_INFO("web: settings saved to %s (applied at restart)", config_path.c_str());
    return nullptr;
  }
  void request_restart() override {
    P1_LOG_INFO("web: restart requested");
    restart = true;
  }

  struct StringWriter final : p1::ReplyWriter {
    std::string text;
    void write(const char* data, size_t length) override { text.append(data, length); }
  };

  // Call with the mutex held.
  void reply(httplib::Response& res, const p1::SealedCalls::Reply& r, const std::string& client = "") {
    StringWriter body;
    body.text.reserve(r.length);
    calls.send(body);
    common_headers(res);
    res.status = r.status;
    if (r.retry_after_s > 0) res.set_header("Retry-After", std::to_string(r.retry_after_s));
    if (r.status == 403 && body.text.find("wrong passkey") != std::string::npos) {
      P1_LOG_WARN("web: wrong passkey from %s", client.c_str());
    }
    res.set_content(body.text, "application/json");
  }

  // GET /api/v1/...: plain JSON for local tools, behind the token if one is
  // set (the core's rule, p1/device/web/api_access.h; the device's too).
  // Answers the figures only: never a setting or a secret.
  bool api_allowed(const httplib::Request& req, httplib::Response& res) {
    common_headers(res);
    std::string given = req.get_header_value("Authorization");
    const std::string& token = config.web.api_token;
    p1::ApiAccess access = p1::check_api_access(crypto, p1::Span<const char>(given.data(), given.size()),
                                                p1::Span<const char>(token.data(), token.size()));
    if (access == p1::ApiAccess::kAllowed) return true;
    res.status = 401;
    res.set_header("WWW-Authenticate", "Bearer realm=\"p1bridge\"");
    res.set_content(p1::api_refusal_json(access).host_string(), "application/json");
    if (access == p1::ApiAccess::kTokenWrong) P1_LOG_WARN("web: wrong API token from %s", req.remote_addr.c_str());
    return false;
  }

  void handle_api_values(const httplib::Request& req, httplib::Response& res) {
    if (!api_allowed(req, res)) return;
    res.set_content(state.api_values_json(), "application/json");
  }

  void handle_api_history(const httplib::Request& req, httplib::Response& res) {
    if (!api_allowed(req, res)) return;
    res.set_content(state.all_history_json(), "application/json");
  }

  void handle_call(const httplib::Request& req, httplib::Response& res) {
    std::string body = req.body;  // decoded in place
    std::lock_guard<std::mutex> lock(mutex);
    // One snapshot of the values per call: it sizes the answer's buffer and
    // is what a "values" call answers.
    values = state.values_json();
    // Room for the largest answer: every meter's values, the settings, or one meter's history.
    std::vector<uint8_t> plain(values.size() + 16384 + HistoryStore::kMaxJson);
    p1::SealedCalls::Reply r = calls.call(client_id(req.remote_addr), now_ms(), p1::CharSpan(&body[0], body.size()),
                                          p1::MutableByteSpan(plain.data(), plain.size()), scratch);
    reply(res, r, req.remote_addr);
  }
};

WebServer::WebServer(const Config& config, std::string config_path, WebState& state)
    : impl_(std::make_unique<Impl>(config, std::move(config_path), state, restart_)) {}

WebServer::~WebServer() { stop(); }

std::string WebServer::start() {
  Impl& s = *impl_;
  if (s.config.web.api) {
    s.server.Get("/api/v1/values",
                 [this](const httplib::Request& req, httplib::Response& res) { impl_->handle_api_values(req, res); });
    // The same series the page's charts show.
    s.server.Get("/api/v1/history",
                 [this](const httplib::Request& req, httplib::Response& res) { impl_->handle_api_history(req, res); });
  } else {
    // Off: a clear answer rather than an empty 404.
    s.server.Get(R"(/api/v1/.*)", [](const httplib::Request&, httplib::Response& res) {
      common_headers(res);
      res.status = 404;
      res.set_content("{\"error\":\"the API is off: set api = true in [web]\"}", "application/json");
    });
  }
  // Without a web key only the API runs (the page would be locked for good).
  if (s.config.web.key.empty()) return listen();
  s.server.Get("/", [](const httplib::Request&, httplib::Response& res) {
    common_headers(res);
    res.set_header("Content-Encoding", "gzip");
    res.set_header("Content-Security-Policy",
                   "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; "
                   "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'");
    res.set_content(reinterpret_cast<const char*>(p1web::kIndexHtmlGz), p1web::kIndexHtmlGzSize, "text/html; charset=utf-8");
  });
  s.server.Get("/api/nonce", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->reply(res, impl_->calls.nonce(client_id(req.remote_addr), now_ms()));
  });
  s.server.Post("/api/call", [this](const httplib::Request& req, httplib::Response& res) { impl_->handle_call(req, res); });
  return listen();
}

std::string WebServer::listen() {
  Impl& s = *impl_;
  s.server.set_payload_max_length(64 * 1024);
  errno = 0;
  if (!s.server.bind_to_port(s.config.web.bind.c_str(), s.config.web.port)) {
    int e = errno;
    std::string why = e == EACCES ? std::string(": permission denied: ports below 1024 need root; choose another with --web-port")
                      : e == EADDRINUSE ? ": the port is in use by another program: choose another with --web-port"
                                        : (e != 0 ? std::string(": ") + std::strerror(e) : std::string());
    return "web: cannot listen on " + s.config.web.bind + ":" + std::to_string(s.config.web.port) + why;
  }
  thread_ = std::thread([this] { impl_->server.listen_after_bind(); });
  if (!s.config.web.key.empty()) {
    P1_LOG_INFO("web: configuration page on http://%s:%d/", s.config.web.bind.c_str(), s.config.web.port);
  }
  if (s.config.web.api) {
    P1_LOG_INFO("web: JSON API on http://%s:%d/api/v1/values and /api/v1/history (%s)", s.config.web.bind.c_str(), s.config.web.port,
                s.config.web.api_token.empty() ? "no token: anyone on the network can read the values"
                                               : "with a bearer token");
  }
  return {};
}

void WebServer::stop() {
  if (thread_.joinable()) {
    impl_->server.stop();
    thread_.join();
  }
}

}  // namespace p1d

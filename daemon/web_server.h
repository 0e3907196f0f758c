// The configuration web page of `p1bridge run` (cpp-httplib, Debian's
// libcpp-httplib-dev): the page itself (built from web/ and embedded), a
// nonce endpoint, and one endpoint for sealed calls (secure_exchange.h).
#pragma once
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "config.h"

namespace p1d {
class HistoryStore;
}

namespace httplib {
class Server;
}

namespace p1d {

// What the page shows, updated by the run loop.
class WebState {
 public:
  void resize(size_t meters);
  void set_meter(size_t index, const std::string& name, const std::string& base);
  void update(size_t index, const std::string& reading_json, const std::string& status_json);
  // {"meters":[...]} as the page's "values" call answers, from the JSON
  // texts the run loop published (no parse, no re-serialisation).
  std::string values_json() const;
  // The history the page's charts and /api/v1/history show (set once, before the server starts).
  void set_history(const HistoryStore* history) { history_ = history; }
  // {"meter":<name>,"live":..,"hours":..} of meter `index`, or an error object.
  std::string history_json(size_t index) const;
  // {"meters":[{"name":..,"live":..,...}]}: every meter's (the API).
  std::string all_history_json() const;
  // The JSON API's figures (counters without the source, demand payload).
  void update_api(size_t index, const std::string& counters_json, const std::string& demand_json);
  // {"meters":[{"name","reading","counters","demand"}]}: GET /api/v1/values.
  // No setting but the meter's name, no secret.
  std::string api_values_json() const;

 private:
  struct Meter {
    std::string name, base, reading, status;
    std::string counters, demand;
  };
  // {"meters":[{"name":<fields of each meter>}]}
  std::string meters_json(std::string (*fields)(const Meter&)) const;
  mutable std::mutex mutex_;
  std::vector<Meter> meters_;
  const HistoryStore* history_ = nullptr;
};

class WebServer {
 public:
  // `config_path` empty: settings can be viewed but not saved.
  WebServer(const Config& config, std::string config_path, WebState& state);
  ~WebServer();
  std::string start();  // error message, empty on success
  void stop();
  bool restart_requested() const { return restart_.load(); }

 private:
  std::string listen();
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::atomic<bool> restart_{false};
  std::thread thread_;
};

}  // namespace p1d

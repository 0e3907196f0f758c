// Test harness for the whole path on loopback: child processes (mosquitto,
// p1sim, p1bridge), a broker on a free port, and a subscriber that records
// what arrives.
#pragma once
#include <mosquitto.h>
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace p1it {

std::string temp_dir(const std::string& name);
int free_port();
bool wait_for_port(int port, int timeout_ms);
std::string read_text(const std::string& path);

class Process {
 public:
  Process() = default;
  Process(const Process&) = delete;
  ~Process();
  // Starts argv[0] with stdout/stderr to `log_path`; `env` ("NAME=value")
  // is added to this process's environment.
  bool start(const std::vector<std::string>& argv, const std::string& log_path,
             const std::vector<std::string>& env = {});
  // SIGTERM, then wait; returns the exit status (or -1 on timeout -> SIGKILL).
  int stop(int timeout_ms = 15000);
  // Waits for a natural exit.
  int wait(int timeout_ms);
  bool running();
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int status_ = -1;
};

class Broker {
 public:
  explicit Broker(const std::string& dir) : dir_(dir), port_(free_port()) {}
  // TLS listener with this cert/key instead of plain.
  void use_tls(const std::string& cert, const std::string& key) {
    cert_ = cert;
    key_ = key;
  }
  void persistent() { persistence_ = true; }
  bool start();
  int stop() { return process_.stop(); }
  int port() const { return port_; }

 private:
  std::string dir_;
  int port_;
  std::string cert_, key_;
  bool persistence_ = false;
  Process process_;
};

struct Received {
  std::string topic;
  std::string payload;
  bool retained;
};

class Subscriber {
 public:
  Subscriber(int port, const std::string& client_id = "", bool persistent_session = false);
  ~Subscriber();
  bool subscribe(const std::string& pattern, int qos = 1);
  std::vector<Received> messages();
  std::vector<std::string> payloads(const std::string& topic);
  // Waits until `done(messages)` or the timeout.
  bool wait_until(const std::function<bool(const std::vector<Received>&)>& done, int timeout_ms);

 private:
  static void on_message(struct mosquitto*, void* self, const struct mosquitto_message* message);
  struct mosquitto* mosq_;
  std::mutex mutex_;
  std::vector<Received> received_;
};

// Paths of the programs under test (from CMake).
std::string p1bridge_bin();
std::string p1sim_bin();

}  // namespace p1it

// Test harness for the whole path on loopback: child processes (mosquitto,
// p1sim, p1bridge), a broker on a free port, and a subscriber that records
// what arrives.
#pragma once
#include <mosquitto.h>
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace p1it {

// A fresh directory /tmp/p1it-<name>-<pid>, removed when the test program
// exits (P1_KEEP_TEST_DIRS=1 keeps it).
std::string temp_dir(const std::string& name);
int free_port();
bool wait_for_port(int port, int timeout_ms);
std::string read_text(const std::string& path);
// One JSON value per non-empty line (p1sim's --log).
std::vector<nlohmann::json> json_lines(const std::string& path);
// Polls `done` every 20 ms until it holds or `timeout_ms` passed (a bound
// so a broken build fails instead of hanging, never a speed requirement).
bool eventually(const std::function<bool()>& done, int timeout_ms);

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
  // SIGKILL (no chance to clean up, as in a crash or power cut) and reap.
  void kill_now();
  // SIGSTOP / SIGCONT: the process holds its sockets but does nothing.
  void pause();
  void resume();
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
  // kill -9: everything the broker held only in memory is gone.
  void kill_now() { process_.kill_now(); }
  // A stopped broker still accepts bytes into its sockets but acknowledges
  // nothing: whatever a client publishes then stays in flight.
  void pause() { process_.pause(); }
  void resume() { process_.resume(); }
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
  // Subscriptions are made again after every reconnect (a restarted broker
  // without persistence has forgotten them).
  bool subscribe(const std::string& pattern, int qos = 1);
  // Subscriptions the broker has confirmed so far, reconnects included.
  int subacks();
  std::vector<Received> messages();
  std::vector<std::string> payloads(const std::string& topic);
  // Waits until `done(messages)` or the timeout.
  bool wait_until(const std::function<bool(const std::vector<Received>&)>& done, int timeout_ms);

 private:
  static void on_message(struct mosquitto*, void* self, const struct mosquitto_message* message);
  static void on_connect(struct mosquitto*, void* self, int rc);
  static void on_subscribe(struct mosquitto*, void* self, int mid, int count, const int* granted);
  struct mosquitto* mosq_;
  std::mutex mutex_;
  std::vector<Received> received_;
  std::vector<std::pair<std::string, int>> patterns_;
  int subacks_ = 0;
  bool connected_once_ = false;
};

// p1sim writing to a pseudo-terminal reachable at <dir>/<name>.tty, logging
// what it sent to <dir>/<name>.jsonl; `extra` are more p1sim options.
// Returns once the terminal's link exists (false if p1sim did not start).
struct PtySim {
  Process process;
  std::string link, log;
  bool start(const std::string& dir, const std::string& name, const std::vector<std::string>& extra);
};

// Paths of the programs under test (from CMake).
std::string p1bridge_bin();
std::string p1sim_bin();

// A shell command's output (stdout and stderr).
std::string command_output(const std::string& command);
// mbpoll's values of `count` registers from `reference` (1-based, as mbpoll
// numbers them: 40001 is register 40000), as printed; on failure one entry
// with mbpoll's error, for the message.
std::vector<std::string> mbpoll(int port, int reference, int count, const std::string& type, int unit = 1);

}  // namespace p1it

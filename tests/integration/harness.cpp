#include "harness.h"

#include <cstdio>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace p1it {

std::string p1bridge_bin() { return P1BRIDGE_BIN; }
std::string p1sim_bin() { return P1SIM_BIN; }

namespace {
// Every directory temp_dir() made, removed when the test program ends (each
// ctest test is one process), unless P1_KEEP_TEST_DIRS=1 asks to keep them
// for a look.
std::vector<std::string>& made_dirs() {
  static std::vector<std::string> dirs;
  return dirs;
}
void remove_made_dirs() {
  const char* keep = std::getenv("P1_KEEP_TEST_DIRS");
  if (keep != nullptr && std::string(keep) == "1") return;
  for (const std::string& d : made_dirs()) std::system(("rm -rf '" + d + "'").c_str());
}
}  // namespace

std::string temp_dir(const std::string& name) {
  std::string path = std::string(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") + "/p1it-" + name + "-" +
                     std::to_string(getpid());
  std::system(("rm -rf '" + path + "' && mkdir -p '" + path + "'").c_str());
  if (made_dirs().empty()) std::atexit(remove_made_dirs);
  if (std::find(made_dirs().begin(), made_dirs().end(), path) == made_dirs().end()) made_dirs().push_back(path);
  return path;
}

int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

bool PtySim::start(const std::string& dir, const std::string& name, const std::vector<std::string>& extra) {
  link = dir + "/" + name + ".tty";
  log = dir + "/" + name + ".jsonl";
  std::vector<std::string> argv = {p1sim_bin(), "--output", "pty", "--link", link, "--log", log};
  argv.insert(argv.end(), extra.begin(), extra.end());
  if (!process.start(argv, dir + "/" + name + ".out")) return false;
  for (int i = 0; i < 100 && access(link.c_str(), F_OK) != 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  return access(link.c_str(), F_OK) == 0;
}

bool wait_for_port(int port, int timeout_ms) {
  auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < end) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    close(fd);
    if (ok) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

std::vector<nlohmann::json> json_lines(const std::string& path) {
  std::vector<nlohmann::json> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.push_back(nlohmann::json::parse(line));
  }
  return out;
}

bool eventually(const std::function<bool()>& done, int timeout_ms) {
  auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Process::~Process() {
  if (pid_ > 0) stop(3000);
}

bool Process::start(const std::vector<std::string>& argv, const std::string& log_path,
                    const std::vector<std::string>& env) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<char*> envp;
  for (char** e = environ; *e != nullptr; ++e) envp.push_back(*e);
  for (const std::string& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  int rc = posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  status_ = -1;
  return rc == 0;
}

bool Process::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    pid_ = -1;
    return false;
  }
  return true;
}

int Process::wait(int timeout_ms) {
  auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (running()) {
    if (std::chrono::steady_clock::now() > end) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return status_;
}

int Process::stop(int timeout_ms) {
  if (pid_ <= 0) return status_;
  kill(pid_, SIGTERM);
  int status = wait(timeout_ms);
  if (status == -1 && pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  return status;
}

void Process::kill_now() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
  status_ = 128 + SIGKILL;
}

void Process::pause() {
  if (pid_ > 0) kill(pid_, SIGSTOP);
}

void Process::resume() {
  if (pid_ > 0) kill(pid_, SIGCONT);
}

bool Broker::start() {
  std::string conf = dir_ + "/mosquitto.conf";
  std::ofstream out(conf);
  out << "listener " << port_ << " 127.0.0.1\nallow_anonymous true\n";
  // Started as root, mosquitto would switch to its own user and could not
  // read the test's key files or write its persistence directory.
  if (const passwd* pw = getpwuid(getuid())) out << "user " << pw->pw_name << "\n";
  if (!cert_.empty()) out << "certfile " << cert_ << "\nkeyfile " << key_ << "\n";
  if (persistence_) {
    out << "persistence true\npersistence_location " << dir_ << "/\nautosave_interval 1\n";
  } else {
    out << "persistence false\n";
  }
  out.close();
  if (!process_.start({"/usr/sbin/mosquitto", "-c", conf}, dir_ + "/mosquitto.log")) return false;
  return wait_for_port(port_, 5000);
}

Subscriber::Subscriber(int port, const std::string& client_id, bool persistent_session) {
  mosquitto_lib_init();
  mosq_ = mosquitto_new(client_id.empty() ? nullptr : client_id.c_str(), !persistent_session, this);
  mosquitto_message_callback_set(mosq_, &Subscriber::on_message);
  mosquitto_connect_callback_set(mosq_, &Subscriber::on_connect);
  mosquitto_subscribe_callback_set(mosq_, &Subscriber::on_subscribe);
  mosquitto_reconnect_delay_set(mosq_, 1, 1, false);
  mosquitto_connect(mosq_, "127.0.0.1", port, 30);
  mosquitto_loop_start(mosq_);
}

Subscriber::~Subscriber() {
  mosquitto_disconnect(mosq_);
  mosquitto_loop_stop(mosq_, true);
  mosquitto_destroy(mosq_);
}

bool Subscriber::subscribe(const std::string& pattern, int qos) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    patterns_.emplace_back(pattern, qos);
  }
  bool ok = mosquitto_subscribe(mosq_, nullptr, pattern.c_str(), qos) == MOSQ_ERR_SUCCESS;
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  return ok;
}

void Subscriber::on_message(struct mosquitto*, void* self, const struct mosquitto_message* m) {
  auto* s = static_cast<Subscriber*>(self);
  std::lock_guard<std::mutex> lock(s->mutex_);
  s->received_.push_back(Received{m->topic, std::string(static_cast<const char*>(m->payload), m->payloadlen), m->retain});
}

void Subscriber::on_connect(struct mosquitto* mosq, void* self, int rc) {
  auto* s = static_cast<Subscriber*>(self);
  if (rc != 0) return;
  std::lock_guard<std::mutex> lock(s->mutex_);
  // The first connection's subscriptions are made by subscribe() itself.
  if (s->connected_once_) {
    for (const auto& p : s->patterns_) mosquitto_subscribe(mosq, nullptr, p.first.c_str(), p.second);
  }
  s->connected_once_ = true;
}

void Subscriber::on_subscribe(struct mosquitto*, void* self, int, int, const int*) {
  auto* s = static_cast<Subscriber*>(self);
  std::lock_guard<std::mutex> lock(s->mutex_);
  ++s->subacks_;
}

int Subscriber::subacks() {
  std::lock_guard<std::mutex> lock(mutex_);
  return subacks_;
}

std::vector<Received> Subscriber::messages() {
  std::lock_guard<std::mutex> lock(mutex_);
  return received_;
}

std::vector<std::string> Subscriber::payloads(const std::string& topic) {
  std::vector<std::string> out;
  for (const Received& r : messages()) {
    if (r.topic == topic) out.push_back(r.payload);
  }
  return out;
}

bool Subscriber::wait_until(const std::function<bool(const std::vector<Received>&)>& done, int timeout_ms) {
  auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < end) {
    if (done(messages())) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done(messages());
}

std::string command_output(const std::string& command) {
  std::string out;
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) return out;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, p)) > 0) out.append(buffer, n);
  pclose(p);
  return out;
}

std::vector<std::string> mbpoll(int port, int reference, int count, const std::string& type, int unit) {
  std::string out = command_output("mbpoll -m tcp -p " + std::to_string(port) + " -a " + std::to_string(unit) +
                                   " -r " + std::to_string(reference) + " -c " + std::to_string(count) + " -t " +
                                   type + " -B -1 -o 2 127.0.0.1");
  std::vector<std::string> values;
  size_t at = 0;
  while ((at = out.find("]:", at)) != std::string::npos) {
    at += 2;
    size_t end = out.find('\n', at);
    std::string v = out.substr(at, end - at);
    v.erase(0, v.find_first_not_of(" \t"));
    values.push_back(v);
  }
  if (values.empty()) values.push_back(out);
  return values;
}

}  // namespace p1it

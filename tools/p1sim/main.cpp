// p1sim: a smart meter on a wire. Encrypts real-format telegrams (the
// project's encoder) and writes them at the meter's cadence and line speed to
// a pseudo-terminal, a TCP port or stdout, optionally with faults. Every
// telegram is logged as a JSON line (values, frame counter, fault) so tests
// can compare what arrives at the broker with what was sent.
#include <CLI/CLI.hpp>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <thread>

#include "line_check.h"
#include "meter_clock.h"
#include "amis_meter.h"
#include "line_writer.h"
#include "meter_model.h"
#include "telegram_encoder.h"

namespace {

using p1enc::Bytes;

volatile sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

struct Options {
  std::string key = "36C66639E48A8CA4D6BC8B282A793BBB";
  std::string auth_key;
  std::string family = "evn";
  std::string output = "stdout";  // stdout | pty | tcp:PORT | file:PATH
  std::string link;               // symlink to the pty
  std::string log_path;
  std::string values = "walk";    // walk | fixed
  std::string meter_number;       // evn / ksm-west: instead of the family's sample number
  double interval = 5.0;          // seconds between telegrams (EVN: 5)
  double delay = 0.0;             // seconds before the first telegram
  int baud = 2400;                // line speed to emulate; 0 = as fast as possible
  std::string line;               // --line: the line setting a pty reader must use
  long count = 0;                 // 0 = forever
  uint32_t frame_counter = 1;
  unsigned seed = 1;
  bool hex = false;               // stdout/file: hex text instead of bytes
  // amis: the meter is the bus master and waits for the reader's E5.
  double search_interval = 60.0;
  double ack_timeout = 0.5;
  bool echo = false;
  // Faults: every Nth telegram (0 = never).
  int flip = 0, drop = 0, garbage = 0, truncate = 0, wrong_key = 0, repeat_counter = 0;
  p1sim::MeterClock clock;        // --clock-start ...: accelerated meter time, gaps, jumps
};

Bytes key_bytes(const std::string& hex) { return p1enc::from_hex(hex); }

// The telegram of the configured family for the current values.
Bytes encode(const Options& o, const p1sim::MeterState& s, uint32_t fc, uint32_t n, const Bytes& key) {
  p1enc::DateTime t = p1sim::local_now();
  o.clock.apply(n, t);

  p1enc::CipherParams p;
  std::copy(key.begin(), key.end(), p.key);
  p.frame_counter = fc;
  Bytes auth = key_bytes(o.auth_key);
  if (auth.size() == 16) std::copy(auth.begin(), auth.end(), p.auth_key);
  auto title = [&](const char* maker) {
    p.system_title[0] = static_cast<uint8_t>(maker[0]);
    p.system_title[1] = static_cast<uint8_t>(maker[1]);
    p.system_title[2] = static_cast<uint8_t>(maker[2]);
  };
  using namespace p1enc;
  if (o.family == "evn") {
    EvnValues v;
    v.time = t;
    v.energy_import_wh = static_cast<uint32_t>(s.energy_import_wh);
    v.energy_export_wh = static_cast<uint32_t>(s.energy_export_wh);
    v.power_import_w = s.power_import_w;
    v.power_export_w = s.power_export_w;
    std::copy(s.voltage_dv, s.voltage_dv + 3, v.voltage_dv);
    std::copy(s.current_ca, s.current_ca + 3, v.current_ca);
    v.power_factor_milli = s.power_factor_milli;
    v.invoke_id = 0x80000000u + n;
    if (!o.meter_number.empty()) v.meter_number = o.meter_number;
    p.security_control = auth.size() == 16 ? 0x30 : 0x20;
    title("KFM");
    return mbus_frames(cipher(evn_notification(v), p));
  }
  if (o.family == "ksm-west") {
    std::vector<Register> regs = {
        {{1, 0, 32, 7, 0, 255}, 0x12, s.voltage_dv[0], -1, 35}, {{1, 0, 52, 7, 0, 255}, 0x12, s.voltage_dv[1], -1, 35},
        {{1, 0, 72, 7, 0, 255}, 0x12, s.voltage_dv[2], -1, 35}, {{1, 0, 31, 7, 0, 255}, 0x12, s.current_ca[0], -2, 33},
        {{1, 0, 51, 7, 0, 255}, 0x12, s.current_ca[1], -2, 33}, {{1, 0, 71, 7, 0, 255}, 0x12, s.current_ca[2], -2, 33},
        {{1, 0, 1, 7, 0, 255}, 0x06, s.power_import_w, 0, 27},  {{1, 0, 2, 7, 0, 255}, 0x06, s.power_export_w, 0, 27},
        {{1, 0, 1, 8, 0, 255}, 0x06, static_cast<int64_t>(s.energy_import_wh), 0, 30},
        {{1, 0, 2, 8, 0, 255}, 0x06, static_cast<int64_t>(s.energy_export_wh), 0, 30},
    };
    p.security_control = auth.size() == 16 ? 0x31 : 0x21;
    title("KFM");
    std::string number = o.meter_number.empty() ? "1KFM0200234804" : o.meter_number;
    return mbus_frames(cipher(ksm_west_notification(t, regs, number, "KFM1200200234804", n), p));
  }
  if (o.family == "wiener-netze") {
    Bytes body = notification(&t, {octets(t.encode()), integer(0x06, static_cast<int64_t>(s.energy_import_wh)),
                                   integer(0x06, static_cast<int64_t>(s.energy_export_wh)), integer(0x06, 0),
                                   integer(0x06, 0), integer(0x06, s.power_import_w), integer(0x06, s.power_export_w),
                                   integer(0x06, 0), integer(0x06, 0)}, n);
    p.security_control = auth.size() == 16 ? 0x30 : 0x20;
    title("ISK");
    return hdlc_frames(cipher(body, p));
  }
  if (o.family == "e450-gbt") {
    Bytes body = notification(&t, {octets(t.encode()), octets(Bytes{1, 0, 1, 8, 0, 255}),
                                   integer(0x06, static_cast<int64_t>(s.energy_import_wh)),
                                   octets(Bytes{1, 0, 2, 8, 0, 255}),
                                   integer(0x06, static_cast<int64_t>(s.energy_export_wh)),
                                   octets(Bytes{1, 0, 1, 7, 0, 255}), integer(0x06, s.power_import_w),
                                   octets(Bytes{1, 0, 2, 7, 0, 255}), integer(0x06, s.power_export_w)}, n);
    p.security_control = 0x30;
    title("LGZ");
    return hdlc_gbt_frames(cipher(body, p), 60);
  }
  if (o.family == "kaernten-netz") {
    Bytes time{t.hour, t.minute, t.second, 0};
    Bytes date{static_cast<uint8_t>(t.year >> 8), static_cast<uint8_t>(t.year), t.month, t.day, t.weekday};
    Bytes body = notification(&t, {octets(Bytes{0, 6, 25, 9, 0, 255}), octets(std::string("1ISK0012345678")),
                                   octets(time), octets(date), integer(0x06, static_cast<int64_t>(s.energy_import_wh)),
                                   integer(0x06, static_cast<int64_t>(s.energy_export_wh)), integer(0x06, 0),
                                   integer(0x06, 0), integer(0x06, s.power_import_w), integer(0x06, s.power_export_w),
                                   octets(std::string("")), octets(std::string(""))}, n);
    p.security_control = auth.size() == 16 ? 0x30 : 0x20;
    title("ISK");
    return hdlc_frames(cipher(body, p));
  }
  if (o.family == "netz-burgenland") {
    Bytes body = notification(nullptr, {integer(0x12, s.voltage_dv[0] / 10), integer(0x12, s.voltage_dv[1] / 10),
                                        integer(0x12, s.voltage_dv[2] / 10), integer(0x12, s.current_ca[0]),
                                        integer(0x12, s.current_ca[1]), integer(0x12, s.current_ca[2]),
                                        integer(0x06, s.power_import_w), integer(0x06, s.power_export_w),
                                        integer(0x06, static_cast<int64_t>(s.energy_import_wh)),
                                        integer(0x06, static_cast<int64_t>(s.energy_export_wh)), integer(0x12, 0),
                                        integer(0x12, 120), integer(0x12, 240),
                                        octets(std::string("LGZ1030655933512"))}, n);
    p.security_control = 0x30;
    title("LGZ");
    return hdlc_frames(cipher(body, p));
  }
  if (o.family == "steiermark") {
    char stamp[40];
    std::snprintf(stamp, sizeof stamp, "%02u%02u%02u%02u%02u%02u%c", t.year % 100, t.month, t.day, t.hour, t.minute,
                  t.second, t.status & 0x80 ? 'S' : 'W');
    auto kwh = [](uint64_t wh) {
      char out[32];
      std::snprintf(out, sizeof out, "%06llu.%03llu", static_cast<unsigned long long>(wh / 1000),
                    static_cast<unsigned long long>(wh % 1000));
      return std::string(out);
    };
    auto kw = [](uint32_t w) {
      char out[32];
      std::snprintf(out, sizeof out, "%05u.%03u", w / 1000, w % 1000);
      return std::string(out);
    };
    std::string text = dsmr_telegram("EST5\\253717584_A",
                                     {"1-3:0.2.8(50)", std::string("0-0:1.0.0(") + stamp + ")",
                                      "1-0:1.8.0(" + kwh(s.energy_import_wh) + "*kWh)",
                                      "1-0:1.7.0(" + kw(s.power_import_w) + "*kW)",
                                      "1-0:2.8.0(" + kwh(s.energy_export_wh) + "*kWh)",
                                      "1-0:2.7.0(" + kw(s.power_export_w) + "*kW)"});
    p.security_control = 0x30;
    title("SAG");
    return cipher(Bytes(text.begin(), text.end()), p);  // bare APDU on the P1 port
  }
  return {};
}

std::string values_json(const Options& o, const p1sim::MeterState& s) {
  char out[512];
  if (o.family == "netz-burgenland") {
    std::snprintf(out, sizeof out,
                  "{\"w_p\":%llu,\"w_n\":%llu,\"p_p\":%u,\"p_n\":%u,\"u1\":%u,\"u2\":%u,\"u3\":%u,"
                  "\"i1\":%u.%02u,\"i2\":%u.%02u,\"i3\":%u.%02u}",
                  static_cast<unsigned long long>(s.energy_import_wh), static_cast<unsigned long long>(s.energy_export_wh),
                  s.power_import_w, s.power_export_w, s.voltage_dv[0] / 10, s.voltage_dv[1] / 10, s.voltage_dv[2] / 10,
                  s.current_ca[0] / 100, s.current_ca[0] % 100, s.current_ca[1] / 100, s.current_ca[1] % 100,
                  s.current_ca[2] / 100, s.current_ca[2] % 100);
  } else if (o.family == "wiener-netze" || o.family == "e450-gbt" || o.family == "kaernten-netz" ||
             o.family == "steiermark") {
    std::snprintf(out, sizeof out, "{\"w_p\":%llu,\"w_n\":%llu,\"p_p\":%u,\"p_n\":%u}",
                  static_cast<unsigned long long>(s.energy_import_wh), static_cast<unsigned long long>(s.energy_export_wh),
                  s.power_import_w, s.power_export_w);
  } else {
    std::snprintf(out, sizeof out,
                  "{\"w_p\":%llu,\"w_n\":%llu,\"p_p\":%u,\"p_n\":%u,\"u1\":%u.%u,\"u2\":%u.%u,\"u3\":%u.%u,"
                  "\"i1\":%u.%02u,\"i2\":%u.%02u,\"i3\":%u.%02u%s}",
                  static_cast<unsigned long long>(s.energy_import_wh), static_cast<unsigned long long>(s.energy_export_wh),
                  s.power_import_w, s.power_export_w, s.voltage_dv[0] / 10, s.voltage_dv[0] % 10, s.voltage_dv[1] / 10,
                  s.voltage_dv[1] % 10, s.voltage_dv[2] / 10, s.voltage_dv[2] % 10, s.current_ca[0] / 100,
                  s.current_ca[0] % 100, s.current_ca[1] / 100, s.current_ca[1] % 100, s.current_ca[2] / 100,
                  s.current_ca[2] % 100,
                  o.family == "evn" ? (",\"phi\":" + std::to_string(s.power_factor_milli / 1000) + "." +
                                       std::string(3 - std::to_string(s.power_factor_milli % 1000).size(), '0') +
                                       std::to_string(s.power_factor_milli % 1000))
                                          .c_str()
                                    : "");
  }
  return out;
}

bool write_paced(int fd, const Bytes& bytes, int baud) { return p1sim::write_paced(fd, bytes, baud, &g_stop); }

// Waits for the next TCP client (until a signal); -1 when stopping.
int next_client(int listen_fd) {
  while (!g_stop) {
    pollfd p{listen_fd, POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) continue;
    int client = accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (client >= 0) {
      std::printf("client connected\n");
      std::fflush(stdout);
      return client;
    }
  }
  return -1;
}

int open_output(const Options& o, int& listen_fd) {
  if (o.output == "stdout") return STDOUT_FILENO;
  if (o.output.rfind("file:", 0) == 0) return ::open(o.output.substr(5).c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (o.output == "pty") {
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) return -1;
    const char* slave = ptsname(master);
    // The meter's line settings on the terminal: 2400 8E1, or 9600 8E1 for
    // AMIS (p1bridge sets its own side the same way).
    int s = ::open(slave, O_RDWR | O_NOCTTY);
    termios tio{};
    tcgetattr(s, &tio);
    cfmakeraw(&tio);
    speed_t speed = o.baud == 9600 ? B9600 : o.baud == 115200 ? B115200 : B2400;
    cfsetispeed(&tio, speed);
    cfsetospeed(&tio, speed);
    tio.c_cflag |= PARENB | CS8;
    tcsetattr(s, TCSANOW, &tio);
    ::close(s);
    if (!o.link.empty()) {
      unlink(o.link.c_str());
      if (symlink(slave, o.link.c_str()) != 0) std::perror("p1sim: symlink");
    }
    std::printf("pty %s\n", slave);
    std::fflush(stdout);
    return master;
  }
  if (o.output.rfind("tcp:", 0) == 0) {
    // Like ser2net: one client at a time; when it leaves, the next one is
    // accepted (see next_client()).
    listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(std::stoi(o.output.substr(4))));
    if (bind(listen_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(listen_fd, 4) != 0) return -1;
    std::printf("listening on 127.0.0.1:%s\n", o.output.substr(4).c_str());
    std::fflush(stdout);
    return next_client(listen_fd);
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"p1sim: simulated smart meter writing encrypted telegrams"};
  app.add_option("--key", o.key, "AES-128 key (32 hex digits)")->capture_default_str();
  app.add_option("--auth-key", o.auth_key, "Authentication key: telegrams get SC 0x30 and a tag");
  app.add_option("--family", o.family,
                 "evn, ksm-west, wiener-netze, kaernten-netz, netz-burgenland, e450-gbt, steiermark, amis")
      ->capture_default_str();
  app.add_option("--output", o.output, "stdout, pty, tcp:PORT or file:PATH")->capture_default_str();
  app.add_option("--link", o.link, "With --output pty: symlink to the terminal");
  app.add_option("--log", o.log_path, "JSON line per telegram: what was sent");
  app.add_option("--values", o.values, "walk (random walk) or fixed")->capture_default_str();
  app.add_option("--meter-number", o.meter_number,
                 "Meter number (0.0.96.1.0.255) the evn and ksm-west telegrams carry (default: the sample's)");
  app.add_option("--interval", o.interval, "Seconds between telegrams")->capture_default_str();
  app.add_option("--delay", o.delay, "Seconds to wait before the first telegram")->capture_default_str();
  app.add_option("--line", o.line,
                 "With --output pty: the meter's line setting, e.g. 2400-8E1; a reader set otherwise gets noise");
  app.add_option("--baud", o.baud, "Line speed to emulate, 0 = unpaced")->capture_default_str();
  app.add_option("--count", o.count, "Telegrams to send, 0 = forever")->capture_default_str();
  app.add_option("--frame-counter", o.frame_counter, "First frame counter")->capture_default_str();
  app.add_option("--seed", o.seed, "Random seed")->capture_default_str();
  app.add_flag("--hex", o.hex, "Write hex text lines instead of bytes");
  app.add_option("--search-interval", o.search_interval, "amis: seconds between searches (SND_NKE)")
      ->capture_default_str();
  app.add_option("--ack-timeout", o.ack_timeout, "amis: seconds the meter waits for the reader's E5")
      ->capture_default_str();
  app.add_flag("--echo", o.echo, "amis: send back what the reader sends, as an IR head that hears itself");
  app.add_option("--flip-every", o.flip, "Fault: flip a bit on the wire in every Nth telegram");
  app.add_option("--drop-every", o.drop, "Fault: drop bytes from every Nth telegram");
  app.add_option("--garbage-every", o.garbage, "Fault: line noise before every Nth telegram");
  app.add_option("--truncate-every", o.truncate, "Fault: cut every Nth telegram short");
  app.add_option("--wrong-key-every", o.wrong_key, "Fault: encrypt every Nth telegram with a wrong key");
  app.add_option("--repeat-counter-every", o.repeat_counter, "Fault: reuse the previous frame counter every Nth telegram");
  o.clock.add_options(app);
  CLI11_PARSE(app, argc, argv);
  if (std::string e = o.clock.check(o.interval); !e.empty()) {
    std::fprintf(stderr, "p1sim: %s\n", e.c_str());
    return 2;
  }
  if (o.family == "amis") {
    // The TD-3511's cadence and line: one telegram a second at 9600 baud.
    if (app.count("--interval") == 0) o.interval = 1.0;
    if (app.count("--baud") == 0) o.baud = 9600;
  }

  Bytes key = key_bytes(o.key);
  if (key.size() != 16) {
    std::fprintf(stderr, "p1sim: --key must be 32 hex digits\n");
    return 2;
  }
  if (!o.auth_key.empty() && key_bytes(o.auth_key).size() != 16) {
    std::fprintf(stderr, "p1sim: --auth-key must be 32 hex digits\n");
    return 2;
  }
  p1sim::LineCheck line_check;
  if (!o.line.empty() && (o.output != "pty" || !line_check.parse(o.line))) {
    std::fprintf(stderr, "p1sim: --line needs --output pty and a setting such as 2400-8E1\n");
    return 2;
  }
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
  signal(SIGPIPE, SIG_IGN);

  int listen_fd = -1;
  int fd = open_output(o, listen_fd);
  if (fd < 0) {
    std::fprintf(stderr, "p1sim: cannot open output %s\n", o.output.c_str());
    return 1;
  }
  std::ofstream log;
  if (!o.log_path.empty()) log.open(o.log_path, std::ios::app);
  if (o.family == "amis") {
    p1sim::AmisOptions a;
    a.interval = o.interval;
    a.search_interval = o.search_interval;
    a.ack_timeout = o.ack_timeout;
    a.echo = o.echo;
    a.handshake = o.output == "pty" || o.output.rfind("tcp:", 0) == 0;  // a reader that can answer
    a.baud = o.hex ? 0 : o.baud;
    a.count = o.count;
    a.access_number = static_cast<uint8_t>(o.frame_counter);
    a.walk = o.values == "walk";
    a.seed = o.seed;
    a.wrong_key_every = o.wrong_key;
    a.flip_every = o.flip;
    a.repeat_access_every = o.repeat_counter;
    int rc = 0;
    for (;;) {
      rc = p1sim::run_amis(a, fd, key, log, &g_stop);
      if (rc == 0 || listen_fd < 0 || g_stop) break;
      ::close(fd);  // the TCP client left: the next one is searched for from the start
      std::printf("client left\n");
      std::fflush(stdout);
      fd = next_client(listen_fd);
      if (fd < 0) break;
    }
    if (o.output == "pty") std::this_thread::sleep_for(std::chrono::milliseconds(300));
    if (fd != STDOUT_FILENO) ::close(fd);
    if (listen_fd >= 0) ::close(listen_fd);
    return rc;
  }
  p1sim::MeterModel model(o.values == "walk", o.seed);
  std::mt19937 rng(o.seed);
  uint32_t fc = o.frame_counter;
  auto next = std::chrono::steady_clock::now() + std::chrono::microseconds(static_cast<long>(o.delay * 1e6));
  while (!g_stop && std::chrono::steady_clock::now() < next) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  for (long n = 1; (o.count == 0 || n <= o.count) && !g_stop; ++n) {
    double seconds = o.clock.seconds_since_previous(n, o.interval);
    model.step(seconds);
    o.clock.count_energy(model.state(), seconds);
    auto every = [&](int k) { return k > 0 && n % k == 0; };
    std::string fault = "none";
    uint32_t counter = every(o.repeat_counter) ? fc - 1 : fc;
    if (every(o.repeat_counter)) fault = "repeat-counter";
    Bytes telegram_key = key;
    if (every(o.wrong_key)) {
      telegram_key[0] ^= 0x5A;
      fault = "wrong-key";
    }
    Bytes wire = encode(o, model.state(), counter, static_cast<uint32_t>(n), telegram_key);
    if (wire.empty()) {
      std::fprintf(stderr, "p1sim: unknown --family %s\n", o.family.c_str());
      return 2;
    }
    if (every(o.flip)) {
      size_t at = 10 + rng() % (wire.size() - 20);
      wire[at] ^= static_cast<uint8_t>(1u << (rng() % 8));
      fault = "flip";
    }
    if (every(o.drop)) {
      size_t at = 10 + rng() % (wire.size() - 40);
      wire.erase(wire.begin() + static_cast<long>(at), wire.begin() + static_cast<long>(at + 1 + rng() % 20));
      fault = "drop";
    }
    if (every(o.truncate)) {
      wire.resize(wire.size() / 2);
      fault = "truncate";
    }
    if (every(o.garbage)) {
      Bytes noise(5 + rng() % 30);
      for (uint8_t& b : noise) b = static_cast<uint8_t>(rng());
      wire.insert(wire.begin(), noise.begin(), noise.end());
      if (fault == "none") fault = "garbage";
    }
    if (counter == fc) ++fc;
    if (log.is_open()) {
      log << "{\"n\":" << n << ",\"frame_counter\":" << counter << ",\"fault\":\"" << fault
          << "\",\"values\":" << values_json(o, model.state()) << "}\n";
      log.flush();
    }
    Bytes out = wire;
    if (o.hex) {
      std::string text = p1enc::to_hex(wire) + "\n";
      out.assign(text.begin(), text.end());
    }
    if (line_check.enabled() && !line_check.matches(fd)) out = line_check.garble(out);
    if (!write_paced(fd, out, o.hex ? 0 : o.baud)) {
      if (listen_fd < 0) break;
      // The TCP client left: this telegram is lost for it (as on a real
      // line); wait for the next client and go on.
      ::close(fd);
      std::printf("client left\n");
      std::fflush(stdout);
      fd = next_client(listen_fd);
      if (fd < 0) break;
      next = std::chrono::steady_clock::now();  // the cadence restarts with the new client
    }
    next += std::chrono::microseconds(static_cast<long>(o.interval * 1e6));
    while (!g_stop && std::chrono::steady_clock::now() < next) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (o.output == "pty") std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let the reader drain
  if (fd != STDOUT_FILENO) ::close(fd);
  if (listen_fd >= 0) ::close(listen_fd);
  return 0;
}

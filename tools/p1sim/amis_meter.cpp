#include "amis_meter.h"

#include "line_writer.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <random>
#include <thread>

namespace p1sim {

namespace {
using Clock = std::chrono::steady_clock;
using p1enc::Bytes;

Clock::time_point after(double seconds) {
  return Clock::now() + std::chrono::microseconds(static_cast<long>(seconds * 1e6));
}

void say(const char* text) {
  std::printf("%s\n", text);
  std::fflush(stdout);
}

const int kNeverStop = 0;
bool write_line(int fd, const Bytes& bytes, int baud) { return write_paced(fd, bytes, baud, &kNeverStop); }

// Reads what the reader sends until `until`; true as soon as an E5 came
// (with `stop_at_ack`). Echoes it back when asked.
bool listen(int fd, Clock::time_point until, bool echo, bool stop_at_ack, volatile const int* stop) {
  bool acked = false;
  while (!*stop) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
    if (left <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left)) <= 0) continue;
    uint8_t buffer[256];
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));  // pty without a reader: EIO
      continue;
    }
    if (echo) write_line(fd, Bytes(buffer, buffer + n), 0);
    for (ssize_t i = 0; i < n; ++i) acked = acked || buffer[i] == 0xE5;
    if (acked && stop_at_ack) return true;
  }
  return acked;
}

}  // namespace

int run_amis(const AmisOptions& o, int fd, const Bytes& key, std::ofstream& log, volatile const int* stop) {
  MeterModel model(o.walk, o.seed);
  std::mt19937 rng(o.seed);
  uint8_t access = o.access_number;
  bool fcb = false;
  bool searching = o.handshake;
  int misses = 0;
  long sent = 0;
  while (!*stop && (o.count == 0 || sent < o.count)) {
    if (searching) {
      say("search");
      if (!write_line(fd, p1enc::mbus_snd_nke(0xF0), o.baud)) return 1;
      if (listen(fd, after(o.ack_timeout), o.echo, true, stop)) {
        say("reader found");
        searching = false;
        misses = 0;
        listen(fd, after(o.interval), o.echo, false, stop);
      } else {
        listen(fd, after(o.search_interval - o.ack_timeout), o.echo, false, stop);
      }
      continue;
    }
    auto next = after(o.interval);
    model.step(o.interval);
    ++sent;
    const MeterState& s = model.state();
    p1enc::AmisValues v;
    v.time = local_now();  // type I has no offset: the deviation is not sent
    v.energy_import_wh = static_cast<uint32_t>(s.energy_import_wh);
    v.energy_export_wh = static_cast<uint32_t>(s.energy_export_wh);
    v.power_import_w = s.power_import_w;
    v.power_export_w = s.power_export_w;
    v.reactive_import_varh = static_cast<uint32_t>(s.energy_import_wh / 10);
    v.reactive_export_varh = static_cast<uint32_t>(s.energy_export_wh / 10);
    v.reactive_power_import_var = s.power_import_w / 10;
    v.inkasso_wh = 0;
    auto every = [&](int k) { return k > 0 && sent % k == 0; };
    std::string fault = "none";
    p1enc::OmsParams p;
    std::copy(key.begin(), key.end(), p.key);
    p.control = fcb ? 0x73 : 0x53;
    p.access_number = every(o.repeat_access_every) ? static_cast<uint8_t>(access - 1) : access;
    if (every(o.repeat_access_every)) fault = "repeat-access-number";
    if (every(o.wrong_key_every)) {
      p.key[0] ^= 0x5A;
      fault = "wrong-key";
    }
    Bytes frame = p1enc::oms_frame(p1enc::amis_records(v), p);
    if (every(o.flip_every)) {
      frame[10 + rng() % (frame.size() - 12)] ^= static_cast<uint8_t>(1u << (rng() % 8));
      fault = "flip";
    }
    if (!write_line(fd, frame, o.baud)) return 1;
    bool acked = !o.handshake || listen(fd, after(o.ack_timeout), o.echo, true, stop);
    if (log.is_open()) {
      log << "{\"n\":" << sent << ",\"access_number\":" << static_cast<int>(p.access_number)
          << ",\"acked\":" << (!o.handshake ? "null" : acked ? "true" : "false") << ",\"fault\":\"" << fault << "\",\"values\":{\"w_p\":"
          << v.energy_import_wh << ",\"w_n\":" << v.energy_export_wh << ",\"p_p\":" << v.power_import_w
          << ",\"p_n\":" << v.power_export_w << "}}\n";
      log.flush();
    }
    if (p.access_number == access) ++access;
    if (acked) {
      misses = 0;
      fcb = !fcb;
    } else if (++misses >= o.misses_to_search) {
      say("searching again");
      searching = true;
      continue;
    }
    if (o.handshake) listen(fd, next, o.echo, false, stop);
  }
  return 0;
}

}  // namespace p1sim

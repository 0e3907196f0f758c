#include "probe_command.h"

#include <poll.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <vector>

#include "byte_source.h"
#include "decode_command.h"
#include "key_argument.h"
#include "p1/crypto/default_aes_gcm.h"
#include "p1/output/output_format.h"
#include "p1/pipeline/meter_stream.h"
#include "p1/probe/line_probe.h"

namespace p1d {

namespace {

using Clock = std::chrono::steady_clock;

struct SettingResult {
  const p1::LineSetting* setting = nullptr;  // nullptr: a TCP bridge (its line setting is the bridge's)
  p1::LineObservation seen;
  std::string error;    // the source could not be opened
  std::string reading;  // the first reading as JSON
};

// Waits for `source` to finish connecting (a TCP bridge), at most `until`.
std::string finish_open(ByteSource& source, Clock::time_point until) {
  while (source.connecting()) {
    if (Clock::now() >= until) return "no connection within the probe's time";
    struct pollfd p = {source.fd(), POLLOUT, 0};
    if (source.fd() >= 0) ::poll(&p, 1, 100);
    else ::poll(nullptr, 0, 50);
    std::string failed = source.advance();
    if (!failed.empty()) return failed;
  }
  return {};
}

SettingResult listen(const ProbeOptions& o, const p1::LineSetting* setting, p1::MeterStream& stream) {
  SettingResult result;
  result.setting = setting;
  MeterConfig meter;
  meter.source = o.port;
  if (setting != nullptr) {
    meter.baud = static_cast<int>(setting->baud);
    meter.data_bits = setting->format[0] - '0';
    meter.parity = setting->format[1] == 'E' ? Parity::kEven : setting->format[1] == 'O' ? Parity::kOdd : Parity::kNone;
    meter.stop_bits = setting->format[2] - '0';
  }
  std::unique_ptr<ByteSource> source = make_source(meter);
  if (!source) {
    result.error = "not a serial device or tcp://host:port";
    return result;
  }
  auto until = Clock::now() + std::chrono::milliseconds(static_cast<long>(o.seconds * 1000));
  result.error = source->open();
  if (result.error.empty()) result.error = finish_open(*source, until);
  if (!result.error.empty()) return result;
  stream.reset();  // nothing of the previous setting's bytes carries over
  // At the AMIS setting the meter sends only while the reader answers: the
  // probe answers as `run` does (E5 only, only to frames addressed to it).
  stream.set_acknowledge(setting != nullptr ? setting->acknowledge : true);
  p1::LineProbe probe;
  probe.begin(stream);
  std::vector<uint8_t> buffer(4096);
  auto handle = [&](const p1::StreamEvent& e) {
    probe.on_event(e, stream);
    if (e.kind == p1::StreamEvent::Kind::kReading && result.reading.empty()) {
      char json[4096];
      auto n = p1::format_json(stream.reading(), p1::CharSpan(json, sizeof json));
      if (n) result.reading.assign(json, *n);
    }
  };
  for (;;) {
    auto now = Clock::now();
    if (now >= until) break;
    int wait = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(until - now).count());
    struct pollfd p = {source->fd(), POLLIN, 0};
    if (::poll(&p, 1, wait > 200 ? 200 : wait) <= 0) continue;
    long n = source->read(buffer.data(), buffer.size());
    if (n < 0) {
      result.error = n == -2 ? "" : "the source was lost";
      break;
    }
    if (n == 0) {
      if ((p.revents & POLLHUP) != 0) {
        result.error = "the source closed";
        break;
      }
      continue;
    }
    p1::ByteSpan in(buffer.data(), static_cast<size_t>(n));
    while (p1::StreamEvent e = stream.push(in)) handle(e);
    p1::ByteSpan reply = stream.take_reply();
    if (!reply.empty()) source->write(reply.data(), reply.size());
  }
  while (p1::StreamEvent e = stream.finish()) handle(e);
  source->close();
  result.seen = probe.observation(stream);
  return result;
}

void print_section(const ProbeOptions& o, const SettingResult& r) {
  std::printf("\n[[meter]]\nsource = \"%s\"\n", o.port.c_str());
  if (r.setting != nullptr) {
    const char* parity = r.setting->format[1] == 'E' ? "even" : r.setting->format[1] == 'O' ? "odd" : "none";
    std::printf("baud = %u\nparity = \"%s\"\n", static_cast<unsigned>(r.setting->baud), parity);
  }
  // The keys themselves are never printed: they are secrets.
  if (!o.key_hex.empty()) std::printf("key = \"...\"        # the key you gave with --key (or P1BRIDGE_KEY)\n");
  if (!o.auth_key_hex.empty()) std::printf("auth_key = \"...\"   # the key you gave with --auth-key\n");
  if (r.seen.layout != nullptr && r.seen.layout[0] != '\0') std::printf("# detected layout: %s\n", r.seen.layout);
}

}  // namespace

int run_probe(const ProbeOptions& o) {
  p1::DefaultAesGcm gcm;
  p1::MeterStream stream(&gcm);
  stream.decoder().set_reject_replays(false);  // the same telegram may be seen at two settings
  if (!o.key_hex.empty()) {
    p1::Aes128Key key;
    if (!parse_key_argument("probe", o.key_hex, "--key", key)) return kExitUsage;
    stream.decoder().set_key(key);
  }
  if (!o.auth_key_hex.empty()) {
    p1::AuthKey key;
    if (!parse_key_argument("probe", o.auth_key_hex, "--auth-key", key)) return kExitUsage;
    stream.decoder().set_auth_key(key);
  }
  bool tcp = o.port.rfind("tcp://", 0) == 0;
  std::vector<SettingResult> results;
  if (tcp) {
    std::printf("Listening to %s for %.0f s (the bridge's own line setting applies)...\n", o.port.c_str(), o.seconds);
    std::fflush(stdout);
    results.push_back(listen(o, nullptr, stream));
  } else {
    for (const p1::LineSetting& s : p1::austrian_line_settings()) {
      std::printf("%6u %s (%s)... ", static_cast<unsigned>(s.baud), s.format, s.used_by().host_string());
      std::fflush(stdout);
      results.push_back(listen(o, &s, stream));
      const SettingResult& r = results.back();
      if (!r.error.empty()) {
        std::printf("cannot open: %s\n", r.error.c_str());
        continue;
      }
      char line[512];
      p1::TextBuffer out(p1::CharSpan(line, sizeof line - 1));
      p1::describe_observation(r.seen, out);
      std::printf("%.*s\n", static_cast<int>(out.size()), line);
      if (p1::judge(r.seen) == p1::LineVerdict::kReadings) break;  // found: no need to try the rest
    }
  }
  if (tcp) {
    const SettingResult& r = results.back();
    if (!r.error.empty()) {
      std::printf("cannot open %s: %s\n", o.port.c_str(), r.error.c_str());
      return kExitDecodeFailed;
    }
    char line[512];
    p1::TextBuffer out(p1::CharSpan(line, sizeof line - 1));
    p1::describe_observation(r.seen, out);
    std::printf("%.*s\n", static_cast<int>(out.size()), line);
  }
  // The best setting: the furthest any got along the pipeline.
  const SettingResult* best = nullptr;
  for (const SettingResult& r : results) {
    if (!r.error.empty()) continue;
    if (best == nullptr || p1::judge(r.seen) > p1::judge(best->seen) ||
        (p1::judge(r.seen) == p1::judge(best->seen) && r.seen.frames > best->seen.frames)) {
      best = &r;
    }
  }
  std::printf("\n");
  if (best == nullptr) {
    std::printf("Could not open %s at any setting.\n", o.port.c_str());
    return kExitDecodeFailed;
  }
  p1::LineVerdict verdict = p1::judge(best->seen);
  bool any_bytes = false;
  for (const SettingResult& r : results) any_bytes = any_bytes || r.seen.bytes > 0;
  if (!any_bytes) {
    std::printf(tcp ? "No bytes from the bridge: check the bridge's serial side (cable, power, line setting) and "
                      "that the grid operator has enabled the customer interface.\n"
                    : "No bytes at any speed: cable, power or the customer interface not enabled by the grid "
                      "operator.\n");
    return kExitDecodeFailed;
  }
  if (verdict == p1::LineVerdict::kNoise) {
    std::printf("Bytes, but no valid frame at any setting: a line setting not in the list, a wrong adapter "
                "(M-Bus level converter vs. TTL/IR head), or noise on the line.\n");
    return kExitDecodeFailed;
  }
  const char* where = best->setting != nullptr ? best->setting->format : "";
  if (best->setting != nullptr) {
    std::printf("Line setting: %u %s", static_cast<unsigned>(best->setting->baud), where);
    if (best->setting->acknowledge) std::printf(" (the meter waits for the reader's acknowledgement)");
    std::printf(".\n");
  }
  char who[256];
  p1::TextBuffer who_out(p1::CharSpan(who, sizeof who - 1));
  static const p1::LineSetting kBridge = {0, "", false, "a serial bridge"};
  p1::describe_operator(best->seen, best->setting != nullptr ? *best->setting : kBridge, who_out);
  std::printf("Meter: %.*s.\n", static_cast<int>(who_out.size()), who);
  const char* sentence = p1::explain(verdict).host_string();
  std::printf("%c%s.\n", std::toupper(static_cast<unsigned char>(sentence[0])), sentence + 1);
  if (verdict == p1::LineVerdict::kReadings) {
    std::printf("One reading: %s\n", best->reading.c_str());
    print_section(o, *best);
    return kExitOk;
  }
  return kExitDecodeFailed;
}

}  // namespace p1d

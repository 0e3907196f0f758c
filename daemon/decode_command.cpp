#include "decode_command.h"

#include <cstdio>

#include "input_file.h"
#include "key_argument.h"
#include "p1/crypto/default_aes_gcm.h"
#include "p1/pipeline/meter_stream.h"
#include "p1/output/output_format.h"

namespace p1d {

namespace {

class Printer {
 public:
  explicit Printer(const DecodeOptions& options) : options_(options) {
    std::setvbuf(stdout, stdout_buffer_, _IOFBF, sizeof stdout_buffer_);
  }

  void reading(const p1::Reading& reading) {
    if (options_.format == "raw") {
      auto n = p1::format_raw_hex(reading, p1::CharSpan(line_, sizeof line_ - 1));
      if (n) line(*n);
    } else if (options_.format == "topics") {
      p1::TopicValues topics(reading);
      const char* field = nullptr;
      char value[256];
      size_t length = 0;
      while (topics.next(field, p1::CharSpan(value, sizeof value), length)) {
        std::fprintf(stdout, "%s/%s %.*s\n", options_.base_topic.c_str(), field, static_cast<int>(length), value);
      }
    } else {
      auto n = p1::format_json(reading, p1::CharSpan(line_, sizeof line_ - 1));
      if (n) line(*n);
    }
  }

  void error(const p1::StreamEvent& event, const p1::Reading& reading) {
    std::fflush(stdout);  // keep stdout and stderr lines in input order
    std::fprintf(stderr, "error: telegram %u (frame %u): %s: %s", event.telegram, event.frame,
                 p1::stage_name(p1::stage_of(event.error)), p1::describe(event.error));
    if (event.error == p1::Error::kUnknownLayout) {
      // Say what was seen, so the user can report it (and never guess).
      char shape[512];
      size_t n = p1::describe_body_shape(reading.body, p1::CharSpan(shape, sizeof shape));
      std::fprintf(stderr, ": %.*s (try --profile)", static_cast<int>(n), shape);
    }
    std::fputc('\n', stderr);
  }

 private:
  void line(size_t n) {
    line_[n] = '\n';
    std::fwrite(line_, 1, n + 1, stdout);
  }

  const DecodeOptions& options_;
  char line_[8192];
  char stdout_buffer_[65536];
};

}  // namespace

int run_decode(const DecodeOptions& options) {
  if (options.format != "json" && options.format != "topics" && options.format != "raw") {
    std::fprintf(stderr, "p1bridge decode: unknown --format '%s' (json, topics or raw)\n", options.format.c_str());
    return kExitUsage;
  }
  p1::DefaultAesGcm gcm;
  p1::MeterStream stream(&gcm);
  // A capture is decoded as it is, repeated telegrams included; `run` rejects them.
  stream.decoder().set_reject_replays(false);
  if (!options.key_hex.empty()) {
    p1::Aes128Key key;
    if (!parse_key_argument("decode", options.key_hex, "--key", key)) return kExitUsage;
    stream.decoder().set_key(key);
  }
  if (!options.auth_key_hex.empty()) {
    p1::AuthKey key;
    if (!parse_key_argument("decode", options.auth_key_hex, "--auth-key", key)) return kExitUsage;
    stream.decoder().set_auth_key(key);
  }
  if (!options.profile.empty()) {
    const p1::BodyLayout* layout = p1::find_body_layout(options.profile.c_str());
    if (layout == nullptr) {
      std::fprintf(stderr, "p1bridge decode: unknown --profile '%s'; known:", options.profile.c_str());
      for (const p1::BodyLayout& l : p1::body_layouts()) std::fprintf(stderr, " %s", l.name);
      std::fprintf(stderr, "\n");
      return kExitUsage;
    }
    stream.decoder().set_layout(layout);
  }

  InputFile input;
  std::string open_error = input.open(options.input, options.binary);
  if (!open_error.empty()) {
    std::fprintf(stderr, "p1bridge decode: %s\n", open_error.c_str());
    return kExitUsage;
  }

  Printer printer(options);
  unsigned readings = 0;
  unsigned failures = 0;
  auto handle = [&](const p1::StreamEvent& event) {
    if (event.kind == p1::StreamEvent::Kind::kReading) {
      ++readings;
      printer.reading(stream.reading());
    } else if (event.kind == p1::StreamEvent::Kind::kError) {
      ++failures;
      printer.error(event, stream.reading());
    }
  };

  for (;;) {
    p1::ByteSpan bytes;
    InputFile::Status status = input.read(bytes);
    if (status == InputFile::Status::kNotHex) {
      std::fflush(stdout);
      std::fprintf(stderr,
                   "p1bridge decode: input is not hex text: %s (hex digits with any spacing, hexdump -C, xxd and "
                   "0x dumps are read; use --binary for raw bytes)\n",
                   input.describe_problem().c_str());
      return kExitUsage;
    }
    if (status == InputFile::Status::kIoError) {
      std::fprintf(stderr, "p1bridge decode: read error on %s\n", options.input.c_str());
      return kExitDecodeFailed;
    }
    if (status == InputFile::Status::kEnd) break;
    while (auto event = stream.push(bytes)) handle(event);
  }
  while (auto event = stream.finish()) handle(event);
  std::fflush(stdout);
  if (input.ended_mid_byte()) std::fprintf(stderr, "warning: input ended with an odd number of hex digits\n");
  if (readings == 0 && failures == 0) {
    const p1::StreamCounters& c = stream.counters();
    std::fprintf(stderr, "error: no telegram found in %u bytes (%u valid frames): wrong port, baud rate or file?\n",
                 c.bytes, c.frames);
    return kExitDecodeFailed;
  }
  return failures == 0 ? kExitOk : kExitDecodeFailed;
}

}  // namespace p1d

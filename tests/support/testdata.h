// Shared helpers for tests: the telegram files in testdata/, hex helpers, and
// a driver that pushes bytes through a MeterStream and collects its events.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "p1/pipeline/meter_stream.h"
#include "telegram_encoder.h"

namespace p1test {

using Bytes = std::vector<uint8_t>;

nlohmann::json load_telegram(const std::string& id);
// The telegram file's key and authentication key (if it has them) on the
// stream's decoder; false when one does not parse.
bool set_keys(p1::MeterStream& stream, const nlohmann::json& telegram);
std::vector<std::string> telegram_ids();
std::string read_file(const std::string& path);

struct Outcome {
  p1::StreamEvent event;
  std::string json;  // for readings
};

// Feeds `bytes` in chunks of `chunk` bytes (0 = all at once), then finish().
std::vector<Outcome> run_stream(p1::MeterStream& stream, const Bytes& bytes, size_t chunk = 0);
// Same with random chunk sizes from a fixed seed.
std::vector<Outcome> run_stream_random_chunks(p1::MeterStream& stream, const Bytes& bytes, unsigned seed);

// Counts outcomes of a kind.
size_t count_readings(const std::vector<Outcome>& outcomes);
std::vector<p1::Error> errors_of(const std::vector<Outcome>& outcomes);

}  // namespace p1test

#include "testdata.h"

#include <dirent.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>

#include "p1/output/output_format.h"

namespace p1test {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool set_keys(p1::MeterStream& stream, const nlohmann::json& t) {
  if (t["key"].is_string()) {
    p1::Aes128Key key;
    std::string k = t["key"];
    if (p1::Aes128Key::parse(p1::Span<const char>(k.data(), k.size()), key) != p1::KeyParseError::kNone) return false;
    stream.decoder().set_key(key);
  }
  if (t["auth_key"].is_string()) {
    p1::AuthKey key;
    std::string k = t["auth_key"];
    if (p1::AuthKey::parse(p1::Span<const char>(k.data(), k.size()), key) != p1::KeyParseError::kNone) return false;
    stream.decoder().set_auth_key(key);
  }
  return true;
}

nlohmann::json load_telegram(const std::string& id) {
  return nlohmann::json::parse(read_file(std::string(P1_TESTDATA_DIR) + "/telegrams/" + id + ".json"));
}

std::vector<std::string> telegram_ids() {
  std::vector<std::string> ids;
  std::string dir = std::string(P1_TESTDATA_DIR) + "/telegrams";
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string name = e->d_name;
      if (name.size() > 5 && name.substr(name.size() - 5) == ".json") ids.push_back(name.substr(0, name.size() - 5));
    }
    closedir(d);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

namespace {
void collect(p1::MeterStream& stream, const p1::StreamEvent& event, std::vector<Outcome>& out) {
  if (event.kind == p1::StreamEvent::Kind::kNeedMore) return;
  Outcome o{event, {}};
  if (event.kind == p1::StreamEvent::Kind::kReading) {
    char buffer[8192];
    auto n = p1::format_json(stream.reading(), p1::CharSpan(buffer, sizeof buffer));
    if (n) o.json.assign(buffer, *n);
  }
  out.push_back(o);
}

void feed(p1::MeterStream& stream, p1::ByteSpan chunk, std::vector<Outcome>& out) {
  while (auto event = stream.push(chunk)) collect(stream, event, out);
}
}  // namespace

std::vector<Outcome> run_stream(p1::MeterStream& stream, const Bytes& bytes, size_t chunk) {
  std::vector<Outcome> out;
  if (chunk == 0) chunk = bytes.size();
  for (size_t i = 0; i < bytes.size(); i += chunk) {
    feed(stream, p1::ByteSpan(bytes.data() + i, std::min(chunk, bytes.size() - i)), out);
  }
  while (auto event = stream.finish()) collect(stream, event, out);
  return out;
}

std::vector<Outcome> run_stream_random_chunks(p1::MeterStream& stream, const Bytes& bytes, unsigned seed) {
  std::vector<Outcome> out;
  std::mt19937 rng(seed);
  std::uniform_int_distribution<size_t> size(1, 97);
  for (size_t i = 0; i < bytes.size();) {
    size_t n = std::min(size(rng), bytes.size() - i);
    feed(stream, p1::ByteSpan(bytes.data() + i, n), out);
    i += n;
  }
  while (auto event = stream.finish()) collect(stream, event, out);
  return out;
}

size_t count_readings(const std::vector<Outcome>& outcomes) {
  return static_cast<size_t>(std::count_if(outcomes.begin(), outcomes.end(), [](const Outcome& o) {
    return o.event.kind == p1::StreamEvent::Kind::kReading;
  }));
}

std::vector<p1::Error> errors_of(const std::vector<Outcome>& outcomes) {
  std::vector<p1::Error> errors;
  for (const Outcome& o : outcomes) {
    if (o.event.kind == p1::StreamEvent::Kind::kError) errors.push_back(o.event.error);
  }
  return errors;
}

}  // namespace p1test

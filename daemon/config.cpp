#include "config.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "log.h"
#include <sstream>
#include <toml++/toml.h>

namespace p1d {

namespace {

std::string parity_name(Parity p) { return p == Parity::kNone ? "none" : p == Parity::kEven ? "even" : "odd"; }

bool parse_parity(const std::string& text, Parity& parity) {
  if (text == "none" || text == "N" || text == "n") {
    parity = Parity::kNone;
  } else if (text == "even" || text == "E" || text == "e") {
    parity = Parity::kEven;
  } else if (text == "odd" || text == "O" || text == "o") {
    parity = Parity::kOdd;
  } else {
    return false;
  }
  return true;
}

bool is_hex(const std::string& s) {
  for (char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::string secret(const std::string& s) { return s.empty() ? "(not set)" : "(set)"; }

template <typename T>
void get(const toml::table& table, const char* key, T& out) {
  if (auto v = table[key].value<T>()) out = *v;
}

}  // namespace

bool parse_mode_list(const std::string& text, MqttConfig& mqtt) {
  mqtt.raw = mqtt.topics = mqtt.json = false;
  std::stringstream ss(text);
  std::string mode;
  bool any = false;
  while (std::getline(ss, mode, ',')) {
    if (mode == "raw" || mode == "0") {
      mqtt.raw = true;
    } else if (mode == "topics" || mode == "1") {
      mqtt.topics = true;
    } else if (mode == "json" || mode == "2") {
      mqtt.json = true;
    } else {
      return false;
    }
    any = true;
  }
  return any;
}

std::string load_config_file(const std::string& path, Config& config) {
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << path << ":" << e.source().begin.line << ": " << e.description();
    return msg.str();
  }
  if (auto* mqtt = root["mqtt"].as_table()) {
    MqttConfig& m = config.mqtt;
    get(*mqtt, "host", m.host);
    int64_t port = m.port, qos = m.qos, keepalive = m.keepalive;
    get(*mqtt, "port", port);
    get(*mqtt, "qos", qos);
    get(*mqtt, "keepalive", keepalive);
    m.port = static_cast<int>(port);
    m.qos = static_cast<int>(qos);
    m.keepalive = static_cast<int>(keepalive);
    get(*mqtt, "user", m.user);
    get(*mqtt, "password", m.password);
    get(*mqtt, "client_id", m.client_id);
    get(*mqtt, "retain", m.retain);
    get(*mqtt, "ca_file", m.ca_file);
    get(*mqtt, "fingerprint", m.fingerprint);
    get(*mqtt, "discovery", m.discovery);
    get(*mqtt, "discovery_prefix", m.discovery_prefix);
    if (auto* modes = (*mqtt)["modes"].as_array()) {
      std::string joined;
      for (auto& mode : *modes) {
        if (auto s = mode.value<std::string>()) joined += (joined.empty() ? "" : ",") + *s;
      }
      if (!parse_mode_list(joined, m)) return path + ": mqtt.modes must list raw, topics and/or json";
    }
  }
  if (auto* web = root["web"].as_table()) {
    get(*web, "enabled", config.web.enabled);
    get(*web, "bind", config.web.bind);
    int64_t port = config.web.port;
    get(*web, "port", port);
    config.web.port = static_cast<int>(port);
    get(*web, "key", config.web.key);
  }
  if (auto* queue = root["queue"].as_table()) {
    get(*queue, "dir", config.queue_dir);
    int64_t max = static_cast<int64_t>(config.queue_max);
    get(*queue, "max_messages", max);
    if (max < 1) return path + ": queue.max_messages must be at least 1";
    config.queue_max = static_cast<size_t>(max);
  }
  if (auto* log = root["log"].as_table()) {
    get(*log, "level", config.log_level);
    int64_t interval = config.status_interval;
    get(*log, "status_interval", interval);
    config.status_interval = static_cast<int>(interval);
  }
  if (auto* meters = root["meter"].as_array()) {
    config.meters.clear();
    for (auto& node : *meters) {
      auto* t = node.as_table();
      if (t == nullptr) return path + ": each [[meter]] must be a table";
      MeterConfig m;
      m.name = "meter" + std::to_string(config.meters.size() + 1);
      get(*t, "name", m.name);
      get(*t, "source", m.source);
      int64_t baud = m.baud, data_bits = m.data_bits, stop_bits = m.stop_bits;
      get(*t, "baud", baud);
      get(*t, "data_bits", data_bits);
      get(*t, "stop_bits", stop_bits);
      m.baud = static_cast<int>(baud);
      m.data_bits = static_cast<int>(data_bits);
      m.stop_bits = static_cast<int>(stop_bits);
      std::string parity = parity_name(m.parity);
      get(*t, "parity", parity);
      if (!parse_parity(parity, m.parity)) return path + ": meter " + m.name + ": parity must be none, even or odd";
      get(*t, "key", m.key_hex);
      get(*t, "auth_key", m.auth_key_hex);
      get(*t, "base", m.base);
      get(*t, "profile", m.profile);
      config.meters.push_back(m);
    }
  }
  return {};
}

void apply_environment(Config& config) {
  auto env = [](const char* name) -> const char* { return std::getenv(name); };
  if (const char* v = env("P1BRIDGE_MQTT_HOST")) config.mqtt.host = v;
  if (const char* v = env("P1BRIDGE_MQTT_PORT")) config.mqtt.port = std::atoi(v);
  if (const char* v = env("P1BRIDGE_MQTT_USER")) config.mqtt.user = v;
  if (const char* v = env("P1BRIDGE_MQTT_PASSWORD")) config.mqtt.password = v;
  if (const char* v = env("P1BRIDGE_MQTT_CLIENT_ID")) config.mqtt.client_id = v;
  if (const char* v = env("P1BRIDGE_MQTT_QOS")) config.mqtt.qos = std::atoi(v);
  if (const char* v = env("P1BRIDGE_MQTT_RETAIN")) config.mqtt.retain = std::string(v) == "1" || std::string(v) == "true";
  if (const char* v = env("P1BRIDGE_MQTT_FINGERPRINT")) config.mqtt.fingerprint = v;
  if (const char* v = env("P1BRIDGE_MQTT_CA_FILE")) config.mqtt.ca_file = v;
  if (const char* v = env("P1BRIDGE_QUEUE_DIR")) config.queue_dir = v;
  if (const char* v = env("P1BRIDGE_WEB_KEY")) config.web.key = v;
  // A single-meter key from the environment keeps it out of shell history.
  if (const char* v = env("P1BRIDGE_KEY")) {
    for (MeterConfig& m : config.meters) {
      if (m.key_hex.empty()) m.key_hex = v;
    }
  }
}

std::string validate(Config& config) {
  MqttConfig& m = config.mqtt;
  if (m.host.empty()) return "mqtt host is empty";
  if (m.port < 1 || m.port > 65535) return "mqtt port must be 1-65535, got " + std::to_string(m.port);
  if (m.qos < 0 || m.qos > 2) return "mqtt qos must be 0, 1 or 2";
  if (m.client_id.empty() || m.client_id.size() > 23) return "mqtt client id must be 1-23 characters";
  if (m.fingerprint != "[insecure]") {
    std::string hex;
    for (char c : m.fingerprint) {
      if (c != ':' && c != ' ') hex += c;
    }
    if ((hex.size() != 40 && hex.size() != 64) || !is_hex(hex)) {
      return "mqtt fingerprint must be 40 (SHA-1) or 64 (SHA-256) hex digits, or [insecure]";
    }
  }
  if (!m.raw && !m.topics && !m.json) return "enable at least one output mode (raw, topics, json)";
  if (config.status_interval < 1) return "status_interval must be at least 1 second";
  if (config.web.port < 1 || config.web.port > 65535) return "web port must be 1-65535";
  if (config.web.enabled && !config.web.key.empty() && config.web.key.size() < 8) {
    return "web key must have at least 8 characters";
  }
  if (config.meters.empty()) return "no meter configured: give --port or a [[meter]] section";
  LogLevel level;
  if (!parse_log_level(config.log_level, level)) return "log level must be debug, info, warn or error";
  std::vector<std::string> bases;
  for (MeterConfig& meter : config.meters) {
    std::string where = "meter " + meter.name + ": ";
    if (meter.source.empty()) return where + "no source (serial device, tcp://host:port, file:path or -)";
    static const int kBauds[] = {300, 600, 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400};
    bool baud_ok = false;
    for (int b : kBauds) baud_ok |= b == meter.baud;
    if (!baud_ok) return where + "unsupported baud rate " + std::to_string(meter.baud);
    if (meter.data_bits < 5 || meter.data_bits > 8) return where + "data bits must be 5-8";
    if (meter.stop_bits != 1 && meter.stop_bits != 2) return where + "stop bits must be 1 or 2";
    if (!meter.key_hex.empty()) {
      auto e = p1::Aes128Key::parse(p1::Span<const char>(meter.key_hex.data(), meter.key_hex.size()), meter.key);
      if (e != p1::KeyParseError::kNone) return where + "key: " + p1::describe(e);
      meter.has_key = true;
    }
    if (!meter.auth_key_hex.empty()) {
      auto e = p1::AuthKey::parse(p1::Span<const char>(meter.auth_key_hex.data(), meter.auth_key_hex.size()),
                                  meter.auth_key);
      if (e != p1::KeyParseError::kNone) return where + "auth key: " + p1::describe(e);
      meter.has_auth_key = true;
    }
    if (meter.base.empty()) return where + "base topic is empty";
    for (const std::string& b : bases) {
      if (b == meter.base) return where + "base topic " + meter.base + " is used by another meter";
    }
    bases.push_back(meter.base);
  }
  return {};
}

std::string Config::describe() const {
  std::ostringstream out;
  out << "mqtt " << mqtt.host << ":" << mqtt.port << " user=" << mqtt.user << " password=" << secret(mqtt.password)
      << " client_id=" << mqtt.client_id << " qos=" << mqtt.qos << " retain=" << (mqtt.retain ? "yes" : "no")
      << " tls=" << (tls() ? (mqtt.ca_file.empty() ? "pinned fingerprint" : "CA " + mqtt.ca_file) : "off")
      << " modes=" << (mqtt.raw ? "raw " : "") << (mqtt.topics ? "topics " : "") << (mqtt.json ? "json" : "")
      << " discovery=" << (mqtt.discovery ? mqtt.discovery_prefix : "off") << "\n";
  out << "web " << (web.enabled ? web.bind + ":" + std::to_string(web.port) : "off") << " key=" << secret(web.key)
      << "\n";
  out << "queue " << queue_dir << " (max " << queue_max << " messages)\n";
  for (const MeterConfig& m : meters) {
    out << "meter " << m.name << ": source=" << m.source << " " << m.baud << " " << m.data_bits
        << (m.parity == Parity::kNone ? "N" : m.parity == Parity::kEven ? "E" : "O") << m.stop_bits
        << " base=" << m.base << " key=" << secret(m.key_hex) << " auth_key=" << secret(m.auth_key_hex)
        << " profile=" << (m.profile.empty() ? "auto" : m.profile) << "\n";
  }
  return out.str();
}

namespace {
std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}
}  // namespace

std::string save_config_file(const std::string& path, const Config& c) {
  std::ostringstream t;
  t << "# p1bridge configuration, written by p1bridge (see p1bridge.example.toml for every option)\n\n";
  t << "[mqtt]\nhost = " << quoted(c.mqtt.host) << "\nport = " << c.mqtt.port << "\nuser = " << quoted(c.mqtt.user)
    << "\npassword = " << quoted(c.mqtt.password) << "\nclient_id = " << quoted(c.mqtt.client_id)
    << "\nqos = " << c.mqtt.qos << "\nretain = " << (c.mqtt.retain ? "true" : "false") << "\nmodes = [";
  bool first = true;
  for (auto mode : {std::make_pair(c.mqtt.raw, "raw"), std::make_pair(c.mqtt.topics, "topics"),
                    std::make_pair(c.mqtt.json, "json")}) {
    if (!mode.first) continue;
    t << (first ? "" : ", ") << quoted(mode.second);
    first = false;
  }
  t << "]\ndiscovery = " << (c.mqtt.discovery ? "true" : "false") << "\ndiscovery_prefix = "
    << quoted(c.mqtt.discovery_prefix) << "\nfingerprint = " << quoted(c.mqtt.fingerprint) << "\n";
  if (!c.mqtt.ca_file.empty()) t << "ca_file = " << quoted(c.mqtt.ca_file) << "\n";
  t << "\n[web]\nenabled = " << (c.web.enabled ? "true" : "false") << "\nbind = " << quoted(c.web.bind)
    << "\nport = " << c.web.port << "\nkey = " << quoted(c.web.key) << "\n";
  t << "\n[queue]\ndir = " << quoted(c.queue_dir) << "\nmax_messages = " << c.queue_max << "\n";
  t << "\n[log]\nlevel = " << quoted(c.log_level) << "\nstatus_interval = " << c.status_interval << "\n";
  for (const MeterConfig& m : c.meters) {
    t << "\n[[meter]]\nname = " << quoted(m.name) << "\nsource = " << quoted(m.source) << "\nbaud = " << m.baud
      << "\nparity = " << quoted(parity_name(m.parity)) << "\ndata_bits = " << m.data_bits
      << "\nstop_bits = " << m.stop_bits << "\nkey = " << quoted(m.key_hex) << "\nauth_key = " << quoted(m.auth_key_hex)
      << "\nbase = " << quoted(m.base) << "\nprofile = " << quoted(m.profile) << "\n";
  }
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return "cannot write " + tmp + ": " + std::strerror(errno);
  std::string text = t.str();
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ok = fsync(fd) == 0 && ok;
  ::close(fd);
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) return "cannot write " + path + ": " + std::strerror(errno);
  return {};
}

}  // namespace p1d

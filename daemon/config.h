// Configuration of `p1bridge run`: a TOML file, environment variables and
// command-line flags (flags > environment > file > defaults), validated in
// one place before anything starts.
#pragma once
#include <string>
#include <vector>

#include "p1/crypto/keys.h"

namespace p1d {

enum class Parity { kNone, kEven, kOdd };

struct MeterConfig {
  std::string name = "meter";
  std::string source;        // /dev/ttyUSB0 | tcp://host:port | file:/path | -
  int baud = 2400;           // EVN M-Bus: 2400 8E1; HDLC P1 ports: 115200 8N1
  Parity parity = Parity::kEven;
  int data_bits = 8;
  int stop_bits = 1;
  std::string key_hex;       // secret
  std::string auth_key_hex;  // secret
  std::string base = "smartmeter";
  std::string profile;       // empty: detect
  p1::Aes128Key key;         // parsed from key_hex
  p1::AuthKey auth_key;      // parsed from auth_key_hex
  bool has_key = false;
  bool has_auth_key = false;
};

struct MqttConfig {
  std::string host = "127.0.0.1";
  int port = 1883;
  std::string user = "power-meter";
  std::string password;  // secret
  std::string client_id = "p1bridge";
  int qos = 1;
  bool retain = false;
  std::string ca_file;                   // verify the broker against this CA
  std::string fingerprint = "[insecure]";  // SHA-1 (40) / SHA-256 (64 hex) pin, or [insecure]
  bool raw = false;
  bool topics = false;
  bool json = true;
  bool discovery = true;
  std::string discovery_prefix = "homeassistant";
  int keepalive = 30;
};

struct WebConfig {
  bool enabled = true;
  std::string bind = "0.0.0.0";
  int port = 8080;
  std::string key;  // secret: the webpage passkey
};

struct Config {
  MqttConfig mqtt;
  WebConfig web;
  std::vector<MeterConfig> meters;
  std::string queue_dir = "/var/lib/p1bridge";
  size_t queue_max = 100000;
  std::string log_level = "info";
  int status_interval = 60;  // seconds

  bool tls() const { return !mqtt.ca_file.empty() || mqtt.fingerprint != "[insecure]"; }
  // One line per setting, secrets shown as "(set)" / "(not set)".
  std::string describe() const;
};

// Loads a TOML file into `config`. Returns an error message, empty if fine.
std::string load_config_file(const std::string& path, Config& config);
// Applies P1BRIDGE_* environment variables.
void apply_environment(Config& config);
// Checks every value and parses keys. Returns the first problem, empty if fine.
std::string validate(Config& config);

bool parse_mode_list(const std::string& text, MqttConfig& mqtt);
// Writes `config` as TOML (mode 0600, replaced atomically). Error message or empty.
std::string save_config_file(const std::string& path, const Config& config);

}  // namespace p1d

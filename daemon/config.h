// Configuration of `p1bridge run`: a TOML file, environment variables and
// command-line flags (flags > environment > file > defaults), validated in
// one place before anything starts.
#pragma once
#include <string>
#include <vector>

#include "p1/crypto/keys.h"
#include "p1/device/settings/settings.h"

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
  int stale_after = 60;      // seconds without a reading before <base>/availability says offline
  // With a key, unencrypted telegrams are refused unless this is set (a
  // meter that sends in the clear although a key is configured).
  bool allow_plaintext = false;
  // Serving this meter's values to an inverter or battery that regulates on
  // a meter of its own (off by default; one set of ports per meter).
  bool sunspec = false;        // Modbus TCP, SunSpec: "Fronius Smart Meter (TCP)"
  int sunspec_port = 502;
  int sunspec_unit_id = 1;
  bool shelly = false;         // Shelly Pro 3EM emulation: HTTP RPC, and UDP RPC unless the port is 0
  int shelly_port = 80;
  int shelly_udp_port = 1010;
  std::string serve_bind = "0.0.0.0";  // address of these servers
  // Answer the meter's SND_NKE/SND_UD addressed to the reader with E5
  // (Netz Oberoesterreich's AMIS meters send nothing otherwise). Harmless
  // elsewhere: DLMS meters never address the reader, so nothing is sent.
  bool acknowledge = true;
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
  bool api = false;       // GET /api/v1/... read-only JSON for local tools
  std::string api_token;  // secret: "Authorization: Bearer <token>" for the API, if set
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

// Loads a TOML file into `config`. Every key goes through the one validator
// of config_keys.h; unknown keys and wrong types are refused. Returns an error
// message naming the file, the line and what is expected; empty if fine.
std::string load_config_file(const std::string& path, Config& config);
// Applies the P1BRIDGE_* environment variables (config_keys.cpp lists them);
// a bad value is refused like a bad file value. Returns an error or empty.
std::string apply_environment(Config& config);
// Applies one command-line flag, e.g. ("mqtt", "port", "1883"); meter keys go
// to the first meter (created if needed).
std::string apply_flag(Config& config, const std::string& section, const std::string& name, const std::string& text);
// Cross-field checks (a meter configured, distinct base topics, CA file
// readable) and key parsing. Returns the first problem, empty if fine.
std::string validate(Config& config);

// Saves what the wizard or the web page changed: `before` is what they were
// shown, `after` what they return. Only the settings that differ are written,
// into the file as it is on disk (not the merged configuration), so a value
// that came from the environment or a flag never lands in the file and
// nothing else in it changes. `before` == nullptr writes every setting (a new
// file). Mode 0600, replaced atomically. Error message or empty.
std::string save_settings(const std::string& path, const p1::Settings* before, const p1::Settings& after);

}  // namespace p1d

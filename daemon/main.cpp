// p1bridge: smart-meter telegrams to JSON and MQTT.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "config.h"
#include "decode_command.h"
#include "run_command.h"
#include "setup_command.h"

namespace {

struct RunFlags {
  std::string config_file;
  std::string port, key, auth_key, base, profile, parity, modes, log_level, queue_dir;
  std::string mqtt_host, mqtt_user, mqtt_password, mqtt_client_id, fingerprint, ca_file;
  int baud = 0, mqtt_port = 0, qos = -1, status_interval = 0;
  bool retain = false, no_discovery = false, check = false, no_web = false;
  int web_port = 0;
  std::string web_bind, web_key;
};

// Builds the configuration: file, then environment, then flags.
int build_config(const RunFlags& f, p1d::Config& config) {
  if (!f.config_file.empty()) {
    std::string error = p1d::load_config_file(f.config_file, config);
    if (!error.empty()) {
      std::fprintf(stderr, "p1bridge run: %s\n", error.c_str());
      return p1d::kExitUsage;
    }
  }
  if (!f.port.empty()) {
    if (config.meters.empty()) config.meters.emplace_back();
    config.meters[0].source = f.port;
  }
  p1d::apply_environment(config);
  if (!config.meters.empty()) {
    p1d::MeterConfig& m = config.meters[0];
    if (!f.key.empty()) m.key_hex = f.key;
    if (!f.auth_key.empty()) m.auth_key_hex = f.auth_key;
    if (!f.base.empty()) m.base = f.base;
    if (!f.profile.empty()) m.profile = f.profile;
    if (f.baud != 0) m.baud = f.baud;
    if (!f.parity.empty()) {
      if (f.parity == "none" || f.parity == "N") m.parity = p1d::Parity::kNone;
      else if (f.parity == "even" || f.parity == "E") m.parity = p1d::Parity::kEven;
      else if (f.parity == "odd" || f.parity == "O") m.parity = p1d::Parity::kOdd;
      else {
        std::fprintf(stderr, "p1bridge run: --parity must be none, even or odd\n");
        return p1d::kExitUsage;
      }
    }
  }
  p1d::MqttConfig& q = config.mqtt;
  if (!f.mqtt_host.empty()) q.host = f.mqtt_host;
  if (f.mqtt_port != 0) q.port = f.mqtt_port;
  if (!f.mqtt_user.empty()) q.user = f.mqtt_user;
  if (!f.mqtt_password.empty()) q.password = f.mqtt_password;
  if (!f.mqtt_client_id.empty()) q.client_id = f.mqtt_client_id;
  if (!f.fingerprint.empty()) q.fingerprint = f.fingerprint;
  if (!f.ca_file.empty()) q.ca_file = f.ca_file;
  if (f.qos >= 0) q.qos = f.qos;
  if (f.retain) q.retain = true;
  if (f.no_discovery) q.discovery = false;
  if (!f.modes.empty() && !p1d::parse_mode_list(f.modes, q)) {
    std::fprintf(stderr, "p1bridge run: --mode takes raw, topics and/or json, comma-separated\n");
    return p1d::kExitUsage;
  }
  if (!f.queue_dir.empty()) config.queue_dir = f.queue_dir;
  if (f.web_port != 0) config.web.port = f.web_port;
  if (!f.web_bind.empty()) config.web.bind = f.web_bind;
  if (!f.web_key.empty()) config.web.key = f.web_key;
  if (f.no_web) config.web.enabled = false;
  if (!f.log_level.empty()) config.log_level = f.log_level;
  if (f.status_interval > 0) config.status_interval = f.status_interval;
  std::string error = p1d::validate(config);
  if (!error.empty()) {
    std::fprintf(stderr, "p1bridge run: %s\n", error.c_str());
    return p1d::kExitUsage;
  }
  return p1d::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"p1bridge: read Austrian smart meters (DLMS/COSEM over M-Bus, HDLC) and publish their values"};
  app.require_subcommand(1);

  p1d::DecodeOptions decode;
  CLI::App* decode_cmd = app.add_subcommand("decode", "Decode telegrams from a capture file (hex text or binary)");
  decode_cmd->add_option("input", decode.input, "Capture file, '-' for stdin")->capture_default_str();
  decode_cmd->add_option("-k,--key", decode.key_hex, "Decryption key from the grid operator (32 hex digits)");
  decode_cmd->add_option("-a,--auth-key", decode.auth_key_hex,
                         "Authentication key (32 hex digits); verifies the tag of authenticated telegrams");
  decode_cmd->add_flag("-b,--binary", decode.binary, "Input is raw bytes, not hex text");
  decode_cmd->add_option("-f,--format", decode.format, "Output: json, topics or raw")->capture_default_str();
  decode_cmd->add_option("--base", decode.base_topic, "Topic prefix for --format topics")->capture_default_str();
  decode_cmd->add_option("-p,--profile", decode.profile, "Body layout to use instead of detecting it");

  RunFlags run;
  CLI::App* run_cmd = app.add_subcommand("run", "Read meters and publish their values to an MQTT broker");
  run_cmd->add_option("-c,--config", run.config_file, "Configuration file (TOML; see p1bridge.example.toml)");
  run_cmd->add_option("--port", run.port, "Meter source: serial device, tcp://host:port, file:path or - (first meter)");
  run_cmd->add_option("-k,--key", run.key, "Decryption key (32 hex digits); or P1BRIDGE_KEY");
  run_cmd->add_option("-a,--auth-key", run.auth_key, "Authentication key (32 hex digits)");
  run_cmd->add_option("--baud", run.baud, "Line speed (default 2400)");
  run_cmd->add_option("--parity", run.parity, "none, even (default) or odd");
  run_cmd->add_option("--base", run.base, "MQTT base topic (default smartmeter)");
  run_cmd->add_option("-p,--profile", run.profile, "Body layout instead of detecting it");
  run_cmd->add_option("--mqtt-host", run.mqtt_host, "Broker host (default 127.0.0.1); or P1BRIDGE_MQTT_HOST");
  run_cmd->add_option("--mqtt-port", run.mqtt_port, "Broker port (default 1883)");
  run_cmd->add_option("--mqtt-user", run.mqtt_user, "Broker user (default power-meter)");
  run_cmd->add_option("--mqtt-password", run.mqtt_password, "Broker password; better: P1BRIDGE_MQTT_PASSWORD");
  run_cmd->add_option("--client-id", run.mqtt_client_id, "MQTT client id (default p1bridge)");
  run_cmd->add_option("--qos", run.qos, "QoS 0, 1 (default) or 2");
  run_cmd->add_flag("--retain", run.retain, "Publish values retained");
  run_cmd->add_option("--mode", run.modes, "Output modes: raw,topics,json (default json)");
  run_cmd->add_flag("--no-discovery", run.no_discovery, "Do not announce sensors to Home Assistant");
  run_cmd->add_option("--fingerprint", run.fingerprint, "Pin the broker certificate: SHA-1/SHA-256 hex, or [insecure]");
  run_cmd->add_option("--ca-file", run.ca_file, "Verify the broker against this CA certificate (TLS)");
  run_cmd->add_option("--queue-dir", run.queue_dir, "Directory of the delivery queue (default /var/lib/p1bridge)");
  run_cmd->add_option("--log-level", run.log_level, "debug, info (default), warn or error");
  run_cmd->add_option("--status-interval", run.status_interval, "Seconds between status reports (default 60)");
  run_cmd->add_option("--web-port", run.web_port, "Port of the configuration page (default 8080)");
  run_cmd->add_option("--web-bind", run.web_bind, "Address the page listens on (default 0.0.0.0)");
  run_cmd->add_option("--web-key", run.web_key, "Passkey of the page; better: P1BRIDGE_WEB_KEY or the config file");
  run_cmd->add_flag("--no-web", run.no_web, "No configuration page");
  run_cmd->add_flag("--check", run.check, "Validate the configuration, print it (secrets hidden) and exit");

  std::string setup_path = "p1bridge.toml";
  CLI::App* setup_cmd = app.add_subcommand("setup", "Answer the setup questions and write the config file");
  setup_cmd->add_option("-c,--config", setup_path, "Config file to create or edit")->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : p1d::kExitUsage;
  }
  if (*decode_cmd) return p1d::run_decode(decode);
  if (*setup_cmd) return p1d::run_setup(setup_path);
  if (*run_cmd) {
    p1d::Config config;
    int rc = build_config(run, config);
    if (rc != p1d::kExitOk) return rc;
    if (run.check) {
      std::fputs(config.describe().c_str(), stdout);
      return p1d::kExitOk;
    }
    return p1d::run_gateway(config, run.config_file, argv);
  }
  return p1d::kExitUsage;
}

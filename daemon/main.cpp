// p1bridge: smart-meter telegrams to JSON and MQTT.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include <mosquitto.h>

#include "config.h"
#include "p1/crypto/default_aes_gcm.h"
#include "version.h"
#include "decode_command.h"
#include "probe_command.h"
#include "run_command.h"
#include "setup_command.h"

namespace {

struct RunFlags {
  std::string config_file;
  // Each flag is (section, key, value) of config_keys.h, checked by the same
  // validator as the file and the environment.
  std::vector<std::pair<std::string, std::string>> values;  // "mqtt.port" -> "1883"
  bool check = false, no_web = false, retain = false, no_discovery = false;
};

// Builds the configuration: file, then environment, then flags.
int build_config(const RunFlags& f, p1d::Config& config) {
  auto fail = [](const std::string& error) {
    std::fprintf(stderr, "p1bridge run: %s\n", error.c_str());
    return p1d::kExitUsage;
  };
  if (!f.config_file.empty()) {
    std::string error = p1d::load_config_file(f.config_file, config);
    if (!error.empty()) return fail(error);
  }
  // --port creates the first meter, so the environment's key reaches it.
  for (const auto& [name, value] : f.values) {
    if (name == "meter.source" && config.meters.empty()) config.meters.emplace_back();
  }
  std::string error = p1d::apply_environment(config);
  if (!error.empty()) return fail(error);
  std::vector<std::pair<std::string, std::string>> values = f.values;
  if (f.retain) values.emplace_back("mqtt.retain", "true");
  if (f.no_discovery) values.emplace_back("mqtt.discovery", "false");
  if (f.no_web) values.emplace_back("web.enabled", "false");
  for (const auto& [name, value] : values) {
    size_t dot = name.find('.');
    error = p1d::apply_flag(config, name.substr(0, dot), name.substr(dot + 1), value);
    if (!error.empty()) return fail("--" + error);
  }
  error = p1d::validate(config);
  if (!error.empty()) return fail(error);
  return p1d::kExitOk;
}

// A string option that records (key, value) in the order given.
void add_value(CLI::App* app, RunFlags& flags, const std::string& names, const std::string& key, const std::string& help) {
  app->add_option_function<std::string>(
      names, [&flags, key](const std::string& v) { flags.values.emplace_back(key, v); }, help);
}

// `p1bridge --version`: what to quote in a bug report.
std::string version_text() {
  int major = 0, minor = 0, revision = 0;
  mosquitto_lib_version(&major, &minor, &revision);
  p1::DefaultAesGcm gcm;
  return std::string("p1bridge ") + P1BRIDGE_VERSION + " (git " + P1BRIDGE_REVISION + ")\ncrypto: " + gcm.name() +
         "\nmqtt: libmosquitto " + std::to_string(major) + "." + std::to_string(minor) + "." +
         std::to_string(revision);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"p1bridge: read Austrian smart meters (DLMS/COSEM over M-Bus, HDLC) and publish their values"};
  app.require_subcommand(1);
  app.set_version_flag("-V,--version", version_text, "Version, git revision, crypto backend and libmosquitto version");

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
  add_value(run_cmd, run, "--port", "meter.source", "Meter source: serial device, tcp://host:port, file:path or - (first meter)");
  add_value(run_cmd, run, "-k,--key", "meter.key", "Decryption key (32 hex digits); better: P1BRIDGE_KEY");
  add_value(run_cmd, run, "-a,--auth-key", "meter.auth_key", "Authentication key (32 hex digits); or P1BRIDGE_AUTH_KEY");
  add_value(run_cmd, run, "--baud", "meter.baud", "Line speed (default 2400)");
  add_value(run_cmd, run, "--parity", "meter.parity", "none, even (default) or odd");
  add_value(run_cmd, run, "--base", "meter.base", "MQTT base topic (default smartmeter)");
  add_value(run_cmd, run, "-p,--profile", "meter.profile", "Body layout instead of detecting it");
  add_value(run_cmd, run, "--acknowledge", "meter.acknowledge",
            "true (default): answer frames addressed to the reader with E5 (AMIS meters wait for it); false: listen only");
  add_value(run_cmd, run, "--stale-after", "meter.stale_after",
            "Seconds without a reading before the meter's availability turns offline (default 60)");
  run_cmd->add_flag_function("--sunspec", [&run](std::int64_t) { run.values.emplace_back("meter.sunspec", "true"); },
                             "Serve the meter as a SunSpec Modbus TCP meter (\"Fronius Smart Meter (TCP)\")");
  add_value(run_cmd, run, "--sunspec-port", "meter.sunspec_port", "Port of the SunSpec meter (default 502)");
  run_cmd->add_flag_function("--shelly", [&run](std::int64_t) { run.values.emplace_back("meter.shelly", "true"); },
                             "Answer as a Shelly Pro 3EM (HTTP and UDP RPC)");
  add_value(run_cmd, run, "--shelly-port", "meter.shelly_port", "HTTP port of the Shelly emulation (default 80)");
  add_value(run_cmd, run, "--shelly-udp-port", "meter.shelly_udp_port", "UDP RPC port of the Shelly emulation (default 1010; 0: none)");
  add_value(run_cmd, run, "--serve-bind", "meter.serve_bind", "Address the SunSpec and Shelly servers listen on (default 0.0.0.0)");
  add_value(run_cmd, run, "--mqtt-host", "mqtt.host", "Broker host (default 127.0.0.1); or P1BRIDGE_MQTT_HOST");
  add_value(run_cmd, run, "--mqtt-port", "mqtt.port", "Broker port (default 1883)");
  add_value(run_cmd, run, "--mqtt-user", "mqtt.user", "Broker user (default power-meter)");
  add_value(run_cmd, run, "--mqtt-password", "mqtt.password", "Broker password; better: P1BRIDGE_MQTT_PASSWORD");
  add_value(run_cmd, run, "--client-id", "mqtt.client_id", "MQTT client id (default p1bridge)");
  add_value(run_cmd, run, "--qos", "mqtt.qos", "QoS 0, 1 (default) or 2");
  run_cmd->add_flag("--retain", run.retain, "Publish values retained");
  add_value(run_cmd, run, "--mode", "mqtt.modes", "Output modes: raw,topics,json (default json)");
  run_cmd->add_flag("--no-discovery", run.no_discovery, "Do not announce sensors to Home Assistant");
  add_value(run_cmd, run, "--fingerprint", "mqtt.fingerprint", "Pin the broker certificate: SHA-1/SHA-256 hex, or [insecure]");
  add_value(run_cmd, run, "--ca-file", "mqtt.ca_file", "Verify the broker against this CA certificate (TLS)");
  add_value(run_cmd, run, "--queue-dir", "queue.dir", "Directory of the delivery queue (default /var/lib/p1bridge; ~/.local/state/p1bridge when that is not writable)");
  add_value(run_cmd, run, "--log-level", "log.level", "debug, info (default), warn or error");
  add_value(run_cmd, run, "--status-interval", "log.status_interval", "Seconds between status reports (default 60)");
  add_value(run_cmd, run, "--web-port", "web.port", "Port of the configuration page (default 8080)");
  add_value(run_cmd, run, "--web-bind", "web.bind", "Address the page listens on (default 0.0.0.0)");
  add_value(run_cmd, run, "--web-key", "web.key", "Passkey of the page; better: P1BRIDGE_WEB_KEY or the config file");
  run_cmd->add_flag("--no-web", run.no_web, "No configuration page");
  run_cmd->add_flag("--check", run.check, "Validate the configuration, print it (secrets hidden) and exit");

  p1d::ProbeOptions probe;
  CLI::App* probe_cmd = app.add_subcommand("probe", "Find out what is on a meter line: speed, framing, key, meter");
  probe_cmd->add_option("--port", probe.port, "Serial device or tcp://host:port")->required();
  probe_cmd->add_option("-k,--key", probe.key_hex, "Decryption key to try (32 hex digits); or P1BRIDGE_KEY")
      ->envname("P1BRIDGE_KEY");
  probe_cmd->add_option("-a,--auth-key", probe.auth_key_hex, "Authentication key to try (32 hex digits)")
      ->envname("P1BRIDGE_AUTH_KEY");
  probe_cmd->add_option("--seconds", probe.seconds, "Seconds to listen at each line setting")
      ->capture_default_str()
      ->check(CLI::Range(0.5, 600.0));

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
  if (*probe_cmd) return p1d::run_probe(probe);
  if (*run_cmd) {
    p1d::Config config;
    int rc = build_config(run, config);
    if (rc != p1d::kExitOk) return rc;
    p1d::warn_if_weak_web_key(config);
    if (run.check) {
      std::fputs(config.describe().c_str(), stdout);
      return p1d::kExitOk;
    }
    return p1d::run_gateway(config, run.config_file, argv);
  }
  return p1d::kExitUsage;
}

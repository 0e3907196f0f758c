// p1bridge: smart-meter telegrams to JSON / MQTT.
#include <CLI/CLI.hpp>

#include "decode_command.h"

int main(int argc, char** argv) {
  CLI::App app{"p1bridge: read Austrian smart meters (DLMS/COSEM over M-Bus) and publish their values"};
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

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : p1d::kExitUsage;
  }
  if (*decode_cmd) return p1d::run_decode(decode);
  return p1d::kExitUsage;
}

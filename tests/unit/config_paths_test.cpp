// Every setting through every path: a value given in the config file, the
// environment, a flag, the setup wizard or the web page is accepted or
// refused alike, stored in one canonical form, and survives being saved back
// untouched (Enter in the wizard, Save on the page) — nothing that was loaded
// is ever erased or changed by saving it back.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "config.h"
#include "config_keys.h"
#include "p1/crypto/web_crypto.h"
#include "p1/device/setup_wizard.h"
#include "p1/device/web/sealed_calls.h"
#include "p1/base/hex.h"
#include "support/fakes.h"

namespace {

using p1::SettingId;

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/p1cfgXXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { std::system(("rm -rf " + path).c_str()); }
};

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// One value per setting, spelled as a user might (not the canonical form
// where the schema normalises), with the TOML line that gives it and the
// canonical value the schema stores.
struct Case {
  SettingId id;
  std::string toml;       // the line in its section
  std::string text;       // the same value as an environment variable / flag
  std::string canonical;  // what the schema stores
};

const std::vector<Case>& cases() {
  static const std::vector<Case> all = {
      {SettingId::kMqttHost, "host = \"broker.lan\"", "broker.lan", "broker.lan"},
      {SettingId::kMqttPort, "port = 8883", "8883", "8883"},
      {SettingId::kMqttFingerprint,
       "fingerprint = \"ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01\"",
       "ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01", "ABCDEF0123456789ABCDEF0123456789ABCDEF01"},
      {SettingId::kMqttUser, "user = \"meter-reader\"", "meter-reader", "meter-reader"},
      {SettingId::kMqttPassword, "password = \"pa ss\\\"word\"", "pa ss\"word", "pa ss\"word"},
      {SettingId::kMqttClientId, "client_id = \"p1-house\"", "p1-house", "p1-house"},
      {SettingId::kMqttBase, "base = \"home/power\"", "home/power", "home/power"},
      {SettingId::kMessageMode, "modes = [\"raw\", \"topics\"]", "raw,topics", "01"},
      {SettingId::kWebKey, "key = \"correct-horse-battery\"", "correct-horse-battery", "correct-horse-battery"},
      {SettingId::kMeterKey, "key = \"36:C6:66:39:E4:8A:8C:A4:D6:BC:8B:28:2A:79:3B:BB\"",
       "36 c6 66 39 e4 8a 8c a4 d6 bc 8b 28 2a 79 3b bb", "36C66639E48A8CA4D6BC8B282A793BBB"},
      {SettingId::kAuthKey, "auth_key = \"c0c1c2c3c4c5c6c7c8c9cacbcccdcecf\"", "C0-C1-C2-C3-C4-C5-C6-C7-C8-C9-CA-CB-CC-CD-CE-CF",
       "C0C1C2C3C4C5C6C7C8C9CACBCCCDCECF"},
      {SettingId::kMeterProfile, "profile = \"wiener-netze\"", "wiener-netze", "wiener-netze"},
      {SettingId::kDiscovery, "discovery = false", "false", "0"},
      {SettingId::kMeterAck, "acknowledge = false", "false", "0"},
      {SettingId::kSerialBaud, "baud = 115200", "115200", "115200"},
      {SettingId::kSerialFormat, "parity = \"none\"", "none", "8N1"},
      {SettingId::kSerialPort, "source = \"tcp://192.168.1.50:2000\"", "tcp://192.168.1.50:2000",
       "tcp://192.168.1.50:2000"},
  };
  return all;
}

const char* section_of(SettingId id) {
  const p1d::ConfigKey* key = p1d::config_key_for(id);
  return key == nullptr ? "meter" : key->section;  // serial_format: the meter's parity
}

std::string config_with(const Case& c) {
  std::string meter = "[[meter]]\nname = \"house\"\nsource = \"/dev/ttyUSB0\"\n";
  std::string out;
  if (std::string(section_of(c.id)) == "meter") {
    meter = "[[meter]]\nname = \"house\"\n" + c.toml + "\n" + (c.id == SettingId::kSerialPort ? "" : "source = \"/dev/ttyUSB0\"\n");
  } else {
    out = "[" + std::string(section_of(c.id)) + "]\n" + c.toml + "\n";
  }
  return out + meter;
}

p1d::Config load(const std::string& path) {
  p1d::Config config;
  std::string error = p1d::load_config_file(path, config);
  EXPECT_EQ(error, "") << read_file(path);
  return config;
}

std::string value_of(const p1d::Config& config, SettingId id) {
  return p1d::settings_from_config(config).get(id);
}

TEST(ConfigPaths, FileLoadsCanonicalAndAnUntouchedSaveKeepsEveryValue) {
  for (const Case& c : cases()) {
    TempDir dir;
    std::string path = dir.path + "/p1bridge.toml";
    write_file(path, config_with(c));
    p1d::Config config = load(path);
    EXPECT_EQ(value_of(config, c.id), c.canonical) << p1::setting_spec(c.id).key().host_string();
    // An untouched save (web Save, Enter through the wizard) changes nothing.
    p1::Settings shown = p1d::settings_from_config(config);
    std::string before = read_file(path);
    ASSERT_EQ(p1d::save_settings(path, &shown, shown), "");
    EXPECT_EQ(value_of(load(path), c.id), c.canonical) << p1::setting_spec(c.id).key().host_string();
    // A save that changes another field keeps this one.
    p1::Settings changed = shown;
    SettingId other = c.id == SettingId::kMqttClientId ? SettingId::kMqttUser : SettingId::kMqttClientId;
    ASSERT_EQ(changed.set(other, "changed-1"), p1::SettingError::kNone);
    ASSERT_EQ(p1d::save_settings(path, &shown, changed), "");
    p1d::Config again = load(path);
    EXPECT_EQ(value_of(again, c.id), c.canonical) << p1::setting_spec(c.id).key().host_string() << "\n" << read_file(path);
    EXPECT_EQ(value_of(again, other), "changed-1");
    struct stat st {};
    ASSERT_EQ(stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
  }
}

TEST(ConfigPaths, EnvironmentAndFlagsStoreTheSameCanonicalValue) {
  for (const Case& c : cases()) {
    const p1d::ConfigKey* key = p1d::config_key_for(c.id);
    std::string name = key != nullptr ? key->name : "parity";
    std::string section = section_of(c.id);
    // Flag path.
    p1d::Config flagged;
    ASSERT_EQ(p1d::apply_flag(flagged, section, name, c.text), "") << name;
    EXPECT_EQ(value_of(flagged, c.id), c.canonical) << name;
    // Environment path, where the setting has a variable.
    if (key == nullptr || key->env == nullptr) continue;
    p1d::Config env_config;
    env_config.meters.emplace_back();
    setenv(key->env, c.text.c_str(), 1);
    std::string error = p1d::apply_environment(env_config);
    unsetenv(key->env);
    ASSERT_EQ(error, "") << key->env;
    EXPECT_EQ(value_of(env_config, c.id), c.canonical) << key->env;
  }
}

TEST(ConfigPaths, EveryPathRefusesWhatTheSchemaRefusesWithTheSameExpectation) {
  struct Bad {
    const char* section;
    const char* name;
    const char* toml;
    const char* text;
  };
  const Bad bad[] = {
      {"mqtt", "port", "port = 70000", "70000"},
      {"meter", "key", "key = \"36C6\"", "36C6"},
      {"web", "key", "key = \"short\"", "short"},
      {"mqtt", "fingerprint", "fingerprint = \"0123\"", "0123"},
      {"meter", "source", "source = \"tcp://host\"", "tcp://host"},
  };
  for (const Bad& b : bad) {
    const p1d::ConfigKey* key = p1d::find_config_key(b.section, b.name);
    ASSERT_NE(key, nullptr);
    std::string expected = std::string("expected ") + p1::setting_spec(key->setting).expected().host_string();
    TempDir dir;
    std::string path = dir.path + "/c.toml";
    if (std::string(b.section) == "meter") {
      write_file(path, std::string("[[meter]]\nname = \"m\"\n") + b.toml + "\n");
    } else {
      write_file(path, std::string("[") + b.section + "]\n" + b.toml + "\n");
    }
    p1d::Config config;
    std::string file_error = p1d::load_config_file(path, config);
    EXPECT_NE(file_error.find(expected), std::string::npos) << file_error;
    EXPECT_NE(file_error.find(path + ":"), std::string::npos) << file_error;
    p1d::Config flagged;
    std::string flag_error = p1d::apply_flag(flagged, b.section, b.name, b.text);
    EXPECT_NE(flag_error.find(expected), std::string::npos) << flag_error;
    if (key->env != nullptr) {
      p1d::Config env_config;
      env_config.meters.emplace_back();
      setenv(key->env, b.text, 1);
      std::string env_error = p1d::apply_environment(env_config);
      unsetenv(key->env);
      EXPECT_NE(env_error.find(expected), std::string::npos) << env_error;
      EXPECT_NE(env_error.find(key->env), std::string::npos) << env_error;
    }
    p1::Settings s;
    EXPECT_NE(s.set(key->setting, b.text), p1::SettingError::kNone) << "the wizard and the page refuse it too";
  }
}

TEST(ConfigPaths, FileRefusesUnknownKeysAndWrongTypesNamingTheLine) {
  TempDir dir;
  std::string path = dir.path + "/c.toml";
  write_file(path, "[mqtt]\nhots = \"x\"\n");
  p1d::Config a;
  EXPECT_EQ(p1d::load_config_file(path, a).rfind(path + ":2: unknown key mqtt.hots (known: host, port", 0), 0u)
      << p1d::load_config_file(path, a);
  write_file(path, "[[meter]]\nname = \"m\"\nbaud = \"115200\"\n");
  p1d::Config b;
  EXPECT_EQ(p1d::load_config_file(path, b), path + ":3: meter.baud must be a number without quotes");
  write_file(path, "[mqtt]\nport = \"8883\"\n");
  p1d::Config c;
  EXPECT_EQ(p1d::load_config_file(path, c), path + ":2: mqtt.port must be a number without quotes");
  write_file(path, "[brokers]\nhost = \"x\"\n");
  p1d::Config d;
  EXPECT_NE(p1d::load_config_file(path, d).find("unknown section [brokers]"), std::string::npos);
  write_file(path, "[[meter]]\nname = \"m\"\nprofile = \"no-such-profile\"\n");
  p1d::Config e;
  EXPECT_NE(p1d::load_config_file(path, e).find(":3: meter m: meter.profile: expected auto or a profile name"),
            std::string::npos)
      << p1d::load_config_file(path, e);
}

// A value from the environment or a flag is used, never written to the file.
TEST(ConfigPaths, EnvironmentValuesNeverReachTheFile) {
  TempDir dir;
  std::string path = dir.path + "/c.toml";
  write_file(path, "[mqtt]\nhost = \"broker.lan\"\n[[meter]]\nname = \"m\"\nsource = \"/dev/ttyUSB0\"\n");
  p1d::Config config = load(path);
  setenv("P1BRIDGE_MQTT_PASSWORD", "from-the-environment", 1);
  ASSERT_EQ(p1d::apply_environment(config), "");
  unsetenv("P1BRIDGE_MQTT_PASSWORD");
  EXPECT_EQ(config.mqtt.password, "from-the-environment");
  p1::Settings shown = p1d::settings_from_config(config);
  p1::Settings changed = shown;
  ASSERT_EQ(changed.set(SettingId::kMqttBase, "home/meter"), p1::SettingError::kNone);
  ASSERT_EQ(p1d::save_settings(path, &shown, changed), "");
  std::string text = read_file(path);
  EXPECT_EQ(text.find("from-the-environment"), std::string::npos) << text;
  EXPECT_NE(text.find("home/meter"), std::string::npos) << text;
}

// The setup wizard with Enter at every question: the file is the same config.
struct Quiet final : p1::TextOutput {
  void print(const char*) override {}
};
TEST(ConfigPaths, WizardEnterEverywhereKeepsEveryValue) {
  for (const Case& c : cases()) {
    if (c.id == SettingId::kWebKey) continue;  // an empty web key is generated; a set one is kept (below)
    TempDir dir;
    std::string path = dir.path + "/p1bridge.toml";
    write_file(path, config_with(c) + "[web]\nkey = \"correct-horse-battery\"\n");
    p1d::Config config = load(path);
    p1::Settings shown = p1d::settings_from_config(config);
    Quiet out;
    p1test::CountingRandom random;
    p1::SetupWizard wizard(out, random, false);
    wizard.start(shown, false, 0);
    for (uint32_t t = 1; wizard.outcome() == p1::SetupWizard::Outcome::kRunning && t < 200; ++t) wizard.feed('\r', t);
    ASSERT_EQ(wizard.outcome(), p1::SetupWizard::Outcome::kSaved);
    ASSERT_EQ(p1d::save_settings(path, &shown, wizard.result()), "");
    p1d::Config again = load(path);
    EXPECT_EQ(value_of(again, c.id), c.canonical) << p1::setting_spec(c.id).key().host_string();
    EXPECT_EQ(again.web.key, "correct-horse-battery");
  }
}

// The web page's Save with every field as the page shows it (secrets empty,
// as the page never has them): the core's sealed-call handler, as the Linux
// program runs it, writes nothing away.
struct FileBackend final : p1::WebBackend {
  std::string path;
  p1::Settings shown;
  void write_values(p1::TextBuffer& out) override { out.put("{\"meters\":[]}"); }
  const p1::Settings& settings() override { return shown; }
  bool is_device() const override { return false; }
  const char* save(const p1::Settings& before, const p1::Settings& after) override {
    static std::string error;
    error = p1d::save_settings(path, &before, after);
    return error.empty() ? nullptr : error.c_str();
  }
  void request_restart() override {}
};

TEST(ConfigPaths, WebSaveOfWhatThePageShowsKeepsEveryValue) {
  for (const Case& c : cases()) {
    TempDir dir;
    FileBackend backend;
    backend.path = dir.path + "/p1bridge.toml";
    write_file(backend.path, config_with(c) + (c.id == SettingId::kWebKey ? "" : "[web]\nkey = \"webkey-for-tests\"\n"));
    p1d::Config config = load(backend.path);
    backend.shown = p1d::settings_from_config(config);
    p1test::CountingRandom random;
    p1::BearSslWebCrypto crypto;
    p1::SealedCalls calls(crypto, random, backend);
    calls.set_passkey(p1::Span<const char>(config.web.key.data(), config.web.key.size()));

    // The page sends every field back: values as shown, secrets empty.
    std::string request = "{\"op\":\"save\",\"settings\":{";
    bool first = true;
    for (const p1::SettingSpec& spec : p1::setting_specs()) {
      if (!spec.applies(false)) continue;
      std::string value = spec.kind() == p1::SettingKind::kSecret ? "" : backend.shown.get(spec.id());
      std::string escaped;
      for (char ch : value) escaped += (ch == '"' || ch == '\\') ? std::string("\\") + ch : std::string(1, ch);
      request += std::string(first ? "" : ",") + "\"" + spec.key().host_string() + "\":\"" + escaped + "\"";
      first = false;
    }
    request += "}}";

    p1test::ReplyCapture nonce_reply;
    calls.nonce(1000);
    calls.send(nonce_reply);
    std::string nonce_hex = nonce_reply.text.substr(10, 32);
    uint8_t nonce[p1::kNonceSize];
    ASSERT_TRUE(p1::parse_hex_exact(p1::Span<const char>(nonce_hex.data(), 32), p1::MutableByteSpan(nonce, 16)));
    uint8_t salt[p1::kSaltSize] = {1}, iv[p1::WebCrypto::kIvSize] = {2}, tag[p1::WebCrypto::kTagSize];
    std::vector<uint8_t> data(request.begin(), request.end());
    p1::PasskeyBox client(crypto, random);
    // The page stretches the passkey with the PBKDF2 salt of the nonce reply.
    ASSERT_EQ(nonce_reply.text.substr(42, 14), "\",\"kdf_salt\":\"") << nonce_reply.text;
    uint8_t kdf_salt[p1::kKdfSaltSize];
    ASSERT_TRUE(p1::parse_hex_exact(p1::Span<const char>(nonce_reply.text.data() + 56, 32),
                                    p1::MutableByteSpan(kdf_salt, sizeof kdf_salt)));
    client.set_passkey(p1::Span<const char>(config.web.key.data(), config.web.key.size()), kdf_salt);
    client.seal_with(salt, iv, p1::ByteSpan(nonce, sizeof nonce), p1::MutableByteSpan(data.data(), data.size()), tag);
    std::string body = "{\"nonce\":\"" + nonce_hex + "\",\"salt\":\"" + p1test::hex_of(salt, sizeof salt) + "\",\"iv\":\"" +
                       p1test::hex_of(iv, sizeof iv) + "\",\"data\":\"" + p1test::hex_of(data.data(), data.size()) + "\",\"tag\":\"" +
                       p1test::hex_of(tag, sizeof tag) + "\"}";
    p1::Settings scratch;
    std::vector<uint8_t> plain(8192);
    auto reply = calls.call(7, 1001, p1::CharSpan(&body[0], body.size()), p1::MutableByteSpan(plain.data(), plain.size()),
                            scratch);
    p1test::ReplyCapture answer;
    calls.send(answer);
    ASSERT_EQ(reply.status, 200) << answer.text;
    ASSERT_EQ(answer.text.size(), reply.length);

    p1d::Config again = load(backend.path);
    EXPECT_EQ(value_of(again, c.id), c.canonical) << p1::setting_spec(c.id).key().host_string() << "\n" << read_file(backend.path);
    EXPECT_EQ(again.web.key, config.web.key);
    EXPECT_EQ(again.meters[0].key_hex, config.meters[0].key_hex);
  }
}

}  // namespace

namespace {
TEST(ConfigPaths, AllowPlaintextIsAMeterOptionOffByDefault) {
  TempDir dir;
  std::string path = dir.path + "/c.toml";
  write_file(path, "[[meter]]\nname = \"a\"\nsource = \"/dev/ttyUSB0\"\n[[meter]]\nname = \"b\"\nsource = \"/dev/ttyUSB1\"\nbase = \"b\"\nallow_plaintext = true\n");
  p1d::Config config = load(path);
  ASSERT_EQ(config.meters.size(), 2u);
  EXPECT_FALSE(config.meters[0].allow_plaintext);
  EXPECT_TRUE(config.meters[1].allow_plaintext);
  write_file(path, "[[meter]]\nname = \"a\"\nallow_plaintext = \"yes\"\n");
  p1d::Config bad;
  EXPECT_NE(p1d::load_config_file(path, bad).find("meter.allow_plaintext must be true or false without quotes"),
            std::string::npos);
}

// The inverter-facing servers: off by default, per meter in the file, the
// first meter's by flag, every refused value named with what is expected,
// and no port given to two servers.
TEST(ConfigPaths, InverterServersArePerMeterOffByDefaultAndNeedPortsOfTheirOwn) {
  TempDir dir;
  std::string path = dir.path + "/c.toml";
  write_file(path,
             "[web]\nport = 8080\n"
             "[[meter]]\nname = \"a\"\nsource = \"/dev/ttyUSB0\"\n"
             "[[meter]]\nname = \"b\"\nsource = \"/dev/ttyUSB1\"\nbase = \"b\"\nsunspec = true\nsunspec_port = 1502\n"
             "sunspec_unit_id = 7\nshelly = true\nshelly_port = 8081\nshelly_udp_port = 0\nserve_bind = \"127.0.0.1\"\n");
  p1d::Config config = load(path);
  ASSERT_EQ(config.meters.size(), 2u);
  const p1d::MeterConfig& a = config.meters[0];
  EXPECT_FALSE(a.sunspec);
  EXPECT_FALSE(a.shelly);
  EXPECT_EQ(a.sunspec_port, 502);
  EXPECT_EQ(a.sunspec_unit_id, 1);
  EXPECT_EQ(a.shelly_port, 80);
  EXPECT_EQ(a.shelly_udp_port, 1010);
  EXPECT_EQ(a.serve_bind, "0.0.0.0");
  const p1d::MeterConfig& b = config.meters[1];
  EXPECT_TRUE(b.sunspec);
  EXPECT_EQ(b.sunspec_port, 1502);
  EXPECT_EQ(b.sunspec_unit_id, 7);
  EXPECT_TRUE(b.shelly);
  EXPECT_EQ(b.shelly_port, 8081);
  EXPECT_EQ(b.shelly_udp_port, 0);
  EXPECT_EQ(b.serve_bind, "127.0.0.1");
  EXPECT_EQ(p1d::validate(config), "");
  EXPECT_NE(config.describe().find("meter b: sunspec meter on 127.0.0.1:1502 unit 7"), std::string::npos);
  EXPECT_NE(config.describe().find("meter b: shelly pro 3em on http 127.0.0.1:8081, udp off"), std::string::npos);

  // Flags reach the first meter and store the same values.
  p1d::Config flagged;
  for (auto [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"sunspec", "true"}, {"sunspec_port", "15020"}, {"shelly", "on"}, {"shelly_udp_port", "2220"}}) {
    ASSERT_EQ(p1d::apply_flag(flagged, "meter", name, value), "") << name;
  }
  EXPECT_TRUE(flagged.meters[0].sunspec);
  EXPECT_EQ(flagged.meters[0].sunspec_port, 15020);
  EXPECT_TRUE(flagged.meters[0].shelly);
  EXPECT_EQ(flagged.meters[0].shelly_udp_port, 2220);
  for (const char* key : {"sunspec", "sunspec_port", "sunspec_unit_id", "shelly", "shelly_port", "shelly_udp_port",
                          "serve_bind"}) {
    const p1d::ConfigKey* k = p1d::find_config_key("meter", key);
    ASSERT_NE(k, nullptr) << key;
    EXPECT_EQ(p1d::config_value_text(config, &b, *k).empty(), false) << key;
    p1d::Config again;
    ASSERT_EQ(p1d::apply_flag(again, "meter", key, p1d::config_value_text(config, &b, *k)), "") << key;
    EXPECT_EQ(p1d::config_value_text(again, &again.meters[0], *k), p1d::config_value_text(config, &b, *k)) << key;
  }

  // Refusals name the key and what it expects.
  struct Bad {
    const char* name;
    const char* value;
    const char* message;
  };
  const Bad bad[] = {
      {"sunspec_port", "0", "meter.sunspec_port: expected a port number 1-65535 (Fronius: 502), got \"0\""},
      {"sunspec_port", "65536", "meter.sunspec_port: expected a port number 1-65535 (Fronius: 502), got \"65536\""},
      {"sunspec_unit_id", "248", "meter.sunspec_unit_id: expected a Modbus unit id 1-247, got \"248\""},
      {"sunspec_unit_id", "0", "meter.sunspec_unit_id: expected a Modbus unit id 1-247, got \"0\""},
      {"shelly", "maybe", "meter.shelly: expected true or false, got \"maybe\""},
      {"shelly_port", "-1", "meter.shelly_port: expected a port number 1-65535 (Shelly: 80), got \"-1\""},
      {"shelly_udp_port", "x", "meter.shelly_udp_port: expected a port number 1-65535 (Shelly: 1010), or 0 for no UDP, got \"x\""},
      {"serve_bind", "", "meter.serve_bind: expected an address such as 0.0.0.0, got \"\""},
  };
  for (const Bad& x : bad) {
    p1d::Config c;
    EXPECT_EQ(p1d::apply_flag(c, "meter", x.name, x.value), x.message);
  }
  write_file(path, "[[meter]]\nname = \"a\"\nsunspec_port = \"502\"\n");
  p1d::Config typed;
  EXPECT_NE(p1d::load_config_file(path, typed).find("meter.sunspec_port must be a number without quotes"),
            std::string::npos);

  // One port, one server: between meters, between a meter's two servers, and with the page.
  const std::pair<const char*, const char*> clashes[] = {
      {"[[meter]]\nname = \"a\"\nsource = \"-\"\nsunspec = true\n"
       "[[meter]]\nname = \"b\"\nsource = \"-\"\nbase = \"b\"\nsunspec = true\n",
       "meter b: sunspec_port 502 is already used by meter a's sunspec_port (each server needs a port of its own)"},
      {"[[meter]]\nname = \"a\"\nsource = \"-\"\nsunspec = true\nshelly = true\nshelly_port = 502\n",
       "meter a: shelly_port 502 is already used by meter a's sunspec_port (each server needs a port of its own)"},
      {"[[meter]]\nname = \"a\"\nsource = \"-\"\nshelly = true\nshelly_port = 8080\n",
       "meter a: shelly_port 8080 is already used by web.port (each server needs a port of its own)"},
      {"[[meter]]\nname = \"a\"\nsource = \"-\"\nshelly = true\n"
       "[[meter]]\nname = \"b\"\nsource = \"-\"\nbase = \"b\"\nshelly = true\nshelly_port = 81\n",
       "meter b: shelly_udp_port 1010 is already used by meter a's shelly_udp_port (each server needs a port of its own)"},
  };
  for (const auto& [toml, message] : clashes) {
    write_file(path, toml);
    p1d::Config c = load(path);
    EXPECT_EQ(p1d::validate(c), message) << toml;
  }
  // A UDP port and a TCP port of the same number are different ports; servers that are off hold none.
  write_file(path, "[[meter]]\nname = \"a\"\nsource = \"-\"\nsunspec = true\nsunspec_port = 1010\nshelly = true\n"
                   "[[meter]]\nname = \"b\"\nsource = \"-\"\nbase = \"b\"\nsunspec_port = 1010\n");
  p1d::Config fine = load(path);
  EXPECT_EQ(p1d::validate(fine), "");
}

}  // namespace

#include "config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

#include "config_keys.h"
#include "log.h"

namespace p1d {

namespace {

std::string secret(const std::string& s) { return s.empty() ? "(not set)" : "(set)"; }

const char* type_name(ValueType t) {
  switch (t) {
    case ValueType::kString: return "a string in quotes";
    case ValueType::kInteger: return "a number without quotes";
    case ValueType::kBool: return "true or false without quotes";
    case ValueType::kStringList: return "a list of strings such as [\"json\"]";
  }
  return "a value";
}

// A TOML value as the text set_config_value takes, or false for a wrong type.
bool node_text(const toml::node& node, ValueType type, std::string& out) {
  switch (type) {
    case ValueType::kString:
      if (!node.is_string()) return false;
      out = *node.value<std::string>();
      return true;
    case ValueType::kInteger:
      if (!node.is_integer()) return false;
      out = std::to_string(*node.value<int64_t>());
      return true;
    case ValueType::kBool:
      if (!node.is_boolean()) return false;
      out = *node.value<bool>() ? "true" : "false";
      return true;
    case ValueType::kStringList: {
      const toml::array* list = node.as_array();
      if (list == nullptr) return false;
      out.clear();
      for (const toml::node& item : *list) {
        if (!item.is_string()) return false;
        out += (out.empty() ? "" : ",") + *item.value<std::string>();
      }
      return true;
    }
  }
  return false;
}

std::string at(const std::string& path, const toml::node& node) {
  return path + ":" + std::to_string(node.source().begin.line);
}

std::string load_table(const std::string& path, const toml::table& table, const std::string& section, Config& config,
                       MeterConfig* meter) {
  for (auto&& [key, node] : table) {
    std::string name(key.str());
    const ConfigKey* k = find_config_key(section, name);
    if (k == nullptr) {
      return at(path, node) + ": unknown key " + section + "." + name + " (known: " + config_key_names(section) + ")";
    }
    std::string text;
    if (!node_text(node, k->type, text)) {
      return at(path, node) + ": " + section + "." + name + " must be " + type_name(k->type);
    }
    std::string error = set_config_value(config, meter, *k, text);
    if (!error.empty()) return at(path, node) + ": " + (meter ? "meter " + meter->name + ": " : "") + error;
  }
  return {};
}

// Sets `key` of `table` to `text` with the key's TOML type.
void put(toml::table& table, const ConfigKey& key, const std::string& text) {
  switch (key.type) {
    case ValueType::kString: table.insert_or_assign(key.name, text); break;
    case ValueType::kInteger: table.insert_or_assign(key.name, static_cast<int64_t>(std::atoll(text.c_str()))); break;
    case ValueType::kBool: {
      bool b = false;
      parse_bool_text(text, b);
      table.insert_or_assign(key.name, b);
      break;
    }
    case ValueType::kStringList: {
      toml::array list;
      std::stringstream ss(text);
      std::string item;
      while (std::getline(ss, item, ',')) list.push_back(item);
      table.insert_or_assign(key.name, list);
      break;
    }
  }
}

}  // namespace

std::string load_config_file(const std::string& path, Config& config) {
  if (::access(path.c_str(), R_OK) != 0) {
    int e = errno;
    std::string msg = "cannot read " + path + ": " + std::strerror(e);
    if (e == EACCES) {
      struct stat st {};
      bool root_only = ::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) == 0;
      msg += root_only ? ": it holds keys and only its owner may read it (mode 0600): run as that user "
                         "(sudo -u p1bridge p1bridge ... for the package's file) or with sudo"
                       : ": ask its owner for read access, or run with sudo";
    } else if (e == ENOENT) {
      msg += ": create it from p1bridge.example.toml, or with p1bridge setup --config " + path;
    }
    return msg;
  }
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << path << ":" << e.source().begin.line << ": " << e.description();
    return msg.str();
  }
  for (auto&& [key, node] : root) {
    std::string section(key.str());
    if (section == "meter") {
      const toml::array* meters = node.as_array();
      if (meters == nullptr) return at(path, node) + ": meters are written [[meter]], one section per meter";
      config.meters.clear();
      for (const toml::node& item : *meters) {
        const toml::table* t = item.as_table();
        if (t == nullptr) return at(path, item) + ": each [[meter]] must be a table";
        MeterConfig m;
        m.name = "meter" + std::to_string(config.meters.size() + 1);
        std::string error = load_table(path, *t, "meter", config, &m);
        if (!error.empty()) return error;
        config.meters.push_back(m);
      }
      continue;
    }
    const toml::table* table = node.as_table();
    if (table == nullptr || config_key_names(section).empty()) {
      return at(path, node) + ": unknown section [" + section + "] (known: [mqtt], [web], [queue], [log], [[meter]])";
    }
    std::string error = load_table(path, *table, section, config, nullptr);
    if (!error.empty()) return error;
  }
  return {};
}

std::string apply_environment(Config& config) {
  for (const ConfigKey* k = config_keys_begin(); k != config_keys_end(); ++k) {
    if (k->env == nullptr) continue;
    const char* value = std::getenv(k->env);
    if (value == nullptr) continue;
    if (std::strcmp(k->section, "meter") != 0) {
      std::string error = set_config_value(config, nullptr, *k, value);
      if (!error.empty()) return std::string(k->env) + ": " + error;
      continue;
    }
    // A meter key from the environment keeps it out of shell history; it
    // applies to the meters that have none in the file.
    for (MeterConfig& m : config.meters) {
      if (!config_value_text(config, &m, *k).empty()) continue;
      std::string error = set_config_value(config, &m, *k, value);
      if (!error.empty()) return std::string(k->env) + ": " + error;
    }
  }
  return {};
}

std::string apply_flag(Config& config, const std::string& section, const std::string& name, const std::string& text) {
  const ConfigKey* k = find_config_key(section, name);
  if (k == nullptr) return "unknown option " + section + "." + name;
  MeterConfig* meter = nullptr;
  if (section == "meter") {
    if (config.meters.empty()) config.meters.emplace_back();
    meter = &config.meters[0];
  }
  return set_config_value(config, meter, *k, text);
}

std::string validate(Config& config) {
  MqttConfig& m = config.mqtt;
  if (!m.raw && !m.topics && !m.json) return "enable at least one output mode (raw, topics, json)";
  if (!m.ca_file.empty() && ::access(m.ca_file.c_str(), R_OK) != 0) {
    return "mqtt.ca_file: cannot read " + m.ca_file + ": " + std::strerror(errno);
  }
  if (config.meters.empty()) return "no meter configured: give --port or a [[meter]] section";
  if (!config.web.api_token.empty() && config.web.api_token == config.web.key) {
    return "web.api_token: must not be the web key (web.key): the token only reads values and travels in the "
           "clear with every request, the key unlocks the settings; choose another token";
  }
  std::vector<std::string> bases, names;
  for (MeterConfig& meter : config.meters) {
    std::string where = "meter " + meter.name + ": ";
    if (meter.source.empty()) return where + "no source (serial device, tcp://host:port, file:path or -)";
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
    for (const std::string& b : bases) {
      if (b == meter.base) return where + "base topic " + meter.base + " is used by another meter";
    }
    for (const std::string& n : names) {
      if (n == meter.name) return where + "another meter has the same name";
    }
    bases.push_back(meter.base);
    names.push_back(meter.name);
  }
  // One port, one server: the meters' servers among themselves and the page.
  struct Use {
    std::string what;
    int port;
    bool udp;
  };
  std::vector<Use> used;
  if (config.web.enabled) used.push_back({"web.port", config.web.port, false});
  for (const MeterConfig& meter : config.meters) {
    std::vector<Use> mine;
    if (meter.sunspec) mine.push_back({"sunspec_port", meter.sunspec_port, false});
    if (meter.shelly) mine.push_back({"shelly_port", meter.shelly_port, false});
    if (meter.shelly && meter.shelly_udp_port != 0) mine.push_back({"shelly_udp_port", meter.shelly_udp_port, true});
    for (const Use& u : mine) {
      for (const Use& other : used) {
        if (other.port == u.port && other.udp == u.udp) {
          return "meter " + meter.name + ": " + u.what + " " + std::to_string(u.port) + " is already used by " +
                 other.what + " (each server needs a port of its own)";
        }
      }
      used.push_back({"meter " + meter.name + "'s " + u.what, u.port, u.udp});
    }
  }
  return {};
}

std::string save_settings(const std::string& path, const p1::Settings* before, const p1::Settings& after) {
  toml::table root;
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    try {
      root = toml::parse_file(path);
    } catch (const toml::parse_error& e) {
      return path + ":" + std::to_string(e.source().begin.line) + ": " + std::string(e.description()) +
             " (not saved: the file would be lost)";
    }
  }
  Config shown;
  apply_settings(after, shown);
  const MeterConfig& meter = shown.meters[0];
  for (const p1::SettingSpec& spec : p1::setting_specs()) {
    if (!spec.applies(false)) continue;
    if (before != nullptr && std::strcmp(before->get(spec.id()), after.get(spec.id())) == 0) continue;
    std::vector<const ConfigKey*> keys;
    if (spec.id() == p1::SettingId::kSerialFormat) {
      keys = {find_config_key("meter", "data_bits"), find_config_key("meter", "parity"),
              find_config_key("meter", "stop_bits")};
    } else {
      keys = {config_key_for(spec.id())};
    }
    for (const ConfigKey* k : keys) {
      toml::table* table = nullptr;
      if (std::strcmp(k->section, "meter") == 0) {
        if (!root["meter"].is_array()) root.insert_or_assign("meter", toml::array{toml::table{}});
        toml::array& meters = *root["meter"].as_array();
        if (meters.empty()) meters.push_back(toml::table{});
        table = meters[0].as_table();
      } else {
        if (!root[k->section].is_table()) root.insert_or_assign(k->section, toml::table{});
        table = root[k->section].as_table();
      }
      put(*table, *k, config_value_text(shown, &meter, *k));
    }
  }
  std::ostringstream text;
  text << "# p1bridge configuration (see p1bridge.example.toml for every option).\n"
          "# Saved by p1bridge: only the settings that were changed were written.\n\n"
       << root << "\n";
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    int e = errno;
    return "cannot write " + tmp + ": " + std::strerror(e) +
           (e == EACCES || e == EPERM ? ": this user may not write that directory: run with sudo (the package's file "
                                        "is /etc/p1bridge/p1bridge.toml), or give a path you may write with --config"
                                      : "");
  }
  std::string body = text.str();
  bool ok = ::write(fd, body.data(), body.size()) == static_cast<ssize_t>(body.size());
  ok = fsync(fd) == 0 && ok;
  ::close(fd);
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return "cannot write " + path + ": " + std::strerror(errno);
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
      << " api=" << (web.api ? "on" : "off") << " api_token=" << secret(web.api_token) << "\n";
  out << "queue " << queue_dir << " (max " << queue_max << " messages)\n";
  out << "log level=" << log_level << " status_interval=" << status_interval << "s\n";
  for (const MeterConfig& m : meters) {
    out << "meter " << m.name << ": source=" << m.source << " " << m.baud << " " << m.data_bits
        << (m.parity == Parity::kNone ? "N" : m.parity == Parity::kEven ? "E" : "O") << m.stop_bits
        << " base=" << m.base << " key=" << secret(m.key_hex) << " auth_key=" << secret(m.auth_key_hex)
        << " profile=" << (m.profile.empty() ? "auto" : m.profile) << " stale_after=" << m.stale_after << "s"
        << " acknowledge=" << (m.acknowledge ? "yes" : "no") << "\n";
    if (m.sunspec) {
      out << "meter " << m.name << ": sunspec meter on " << m.serve_bind << ":" << m.sunspec_port << " unit "
          << m.sunspec_unit_id << "\n";
    }
    if (m.shelly) {
      out << "meter " << m.name << ": shelly pro 3em on http " << m.serve_bind << ":" << m.shelly_port << ", udp "
          << (m.shelly_udp_port == 0 ? std::string("off") : std::to_string(m.shelly_udp_port)) << "\n";
    }
  }
  return out.str();
}

}  // namespace p1d

// The web page's API as both front-ends run it: every refusal with its
// status and message, and the decrypted answers (never a secret in them).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

#include "p1/base/hex.h"
#include "p1/crypto/web_crypto.h"
#include "p1/device/web/sealed_calls.h"
#include "support/fakes.h"

namespace {

struct Backend final : p1::WebBackend {
  p1::Settings settings_;
  int saves = 0;
  bool restarted = false;
  void write_values(p1::TextBuffer& out) override { out.put("{\"meters\":[{\"name\":\"m\"}]}"); }
  const p1::Settings& settings() override { return settings_; }
  bool is_device() const override { return false; }
  const char* save(const p1::Settings&, const p1::Settings& updated) override {
    ++saves;
    settings_ = updated;
    return nullptr;
  }
  void request_restart() override { restarted = true; }
  bool has_history = false;
  size_t history_asked = 99, part_asked = 99;
  void write_history(p1::TextBuffer& out, size_t index, size_t part) override {
    if (!has_history) return p1::WebBackend::write_history(out, index, part);
    history_asked = index;
    part_asked = part;
    out.put("{\"live\":[[1,2]]}");
  }
};

struct Page {
  p1test::CountingRandom random;
  p1::BearSslWebCrypto crypto;
  Backend backend;
  p1::SealedCalls calls{crypto, random, backend};
  p1::Settings scratch;
  std::vector<uint8_t> plain = std::vector<uint8_t>(8192);
  uint32_t now = 1000;
  std::string passkey = "correct-horse-battery";

  uint8_t kdf_salt[p1::kKdfSaltSize] = {};  // the server's PBKDF2 salt, from a nonce reply

  Page() {
    calls.set_passkey(p1::Span<const char>(passkey.data(), passkey.size()));
    backend.settings_.set(p1::SettingId::kMeterKey, "36C66639E48A8CA4D6BC8B282A793BBB");
    backend.settings_.set(p1::SettingId::kMqttPassword, "mqtt-secret-pw");
    p1test::ReplyCapture c;
    calls.nonce(now);
    calls.send(c);
    std::string salt_hex = nlohmann::json::parse(c.text)["kdf_salt"];
    p1::parse_hex_exact(p1::Span<const char>(salt_hex.data(), salt_hex.size()), p1::MutableByteSpan(kdf_salt, 16));
  }
  std::string nonce() {
    p1test::ReplyCapture c;
    calls.nonce(now);
    calls.send(c);
    return nlohmann::json::parse(c.text)["nonce"];
  }
  // One call as the browser makes it; returns status and the decrypted answer (or the error JSON).
  std::pair<int, std::string> call(const std::string& request, const std::string& key, std::string nonce_hex = "",
                                   uint32_t client = 1) {
    if (nonce_hex.empty()) nonce_hex = nonce();
    uint8_t nonce_bytes[p1::kNonceSize];
    p1::parse_hex_exact(p1::Span<const char>(nonce_hex.data(), nonce_hex.size()), p1::MutableByteSpan(nonce_bytes, 16));
    p1::PasskeyBox client_box(crypto, random);
    client_box.set_passkey(p1::Span<const char>(key.data(), key.size()), kdf_salt);
    uint8_t salt[p1::kSaltSize], iv[p1::WebCrypto::kIvSize], tag[p1::WebCrypto::kTagSize];
    std::vector<uint8_t> data(request.begin(), request.end());
    client_box.seal(p1::ByteSpan(nonce_bytes, 16), p1::MutableByteSpan(data.data(), data.size()), salt, iv, tag);
    std::string body = "{\"nonce\":\"" + nonce_hex + "\",\"salt\":\"" + p1test::hex_of(salt, sizeof salt) + "\",\"iv\":\"" +
                       p1test::hex_of(iv, sizeof iv) + "\",\"data\":\"" + p1test::hex_of(data.data(), data.size()) + "\",\"tag\":\"" +
                       p1test::hex_of(tag, sizeof tag) + "\"}";
    return raw(body, nonce_bytes, key, client);
  }
  std::pair<int, std::string> raw(std::string body, const uint8_t* nonce_bytes, const std::string& key,
                                  uint32_t client = 1) {
    auto reply = calls.call(client, ++now, p1::CharSpan(&body[0], body.size()),
                            p1::MutableByteSpan(plain.data(), plain.size()), scratch);
    p1test::ReplyCapture c;
    calls.send(c);
    EXPECT_EQ(c.text.size(), reply.length);
    if (reply.status != 200) return {reply.status, c.text};
    nlohmann::json sealed = nlohmann::json::parse(c.text);
    auto bytes = [](const std::string& h) {
      std::vector<uint8_t> out(h.size() / 2);
      p1::parse_hex_exact(p1::Span<const char>(h.data(), h.size()), p1::MutableByteSpan(out.data(), out.size()));
      return out;
    };
    std::vector<uint8_t> s = bytes(sealed["salt"]), i = bytes(sealed["iv"]), d = bytes(sealed["data"]),
                         t = bytes(sealed["tag"]);
    p1::PasskeyBox client_box(crypto, random);
    client_box.set_passkey(p1::Span<const char>(key.data(), key.size()), kdf_salt);
    bool opened = client_box.open(s.data(), i.data(), p1::ByteSpan(nonce_bytes, 16),
                                  p1::MutableByteSpan(d.data(), d.size()), t.data());
    EXPECT_TRUE(opened);
    return {reply.status, std::string(d.begin(), d.end())};
  }
};

TEST(SealedCalls, AnswersEveryOperationSealed) {
  Page page;
  EXPECT_EQ(page.call("{\"op\":\"login\"}", page.passkey), std::make_pair(200, std::string("{\"ok\":true}")));
  EXPECT_EQ(page.call("{\"op\":\"values\"}", page.passkey).second, "{\"meters\":[{\"name\":\"m\"}]}");
  auto settings = page.call("{\"op\":\"settings\"}", page.passkey);
  ASSERT_EQ(settings.first, 200);
  nlohmann::json j = nlohmann::json::parse(settings.second);
  EXPECT_EQ(j["can_save"], true);
  bool saw_key = false;
  for (const auto& f : j["fields"]) {
    if (f["key"] == "meter_key") {
      saw_key = true;
      EXPECT_EQ(f["set"], true);
      EXPECT_FALSE(f.contains("value"));
    }
  }
  EXPECT_TRUE(saw_key);
  // The decrypted answers hold no secret.
  EXPECT_EQ(settings.second.find("36C66639E48A8CA4D6BC8B282A793BBB"), std::string::npos);
  EXPECT_EQ(settings.second.find("mqtt-secret-pw"), std::string::npos);
  EXPECT_EQ(settings.second.find(page.passkey), std::string::npos);
  page.call("{\"op\":\"restart\"}", page.passkey);
  EXPECT_TRUE(page.backend.restarted);
}

TEST(SealedCalls, SaveValidatesEveryFieldAndKeepsUntouchedSecrets) {
  Page page;
  auto bad = page.call("{\"op\":\"save\",\"settings\":{\"mqtt_port\":\"99999\",\"nonsense\":\"1\",\"mqtt_base\":\"a\\/b\"}}",
                       page.passkey);
  nlohmann::json j = nlohmann::json::parse(bad.second);
  EXPECT_EQ(j["errors"]["mqtt_port"], "expected a port number 1-65535");
  EXPECT_EQ(j["errors"]["nonsense"], "unknown setting");
  EXPECT_FALSE(j.contains("saved"));
  EXPECT_EQ(page.backend.saves, 0) << "nothing is saved while a field is refused";
  auto good = page.call(
      "{\"op\":\"save\",\"settings\":{\"mqtt_base\":\"home\\/power \\u00e9\",\"meter_key\":\"\",\"mqtt_host\":\"broker.lan\"}}",
      page.passkey);
  j = nlohmann::json::parse(good.second);
  EXPECT_FALSE(j.contains("saved"));
  EXPECT_EQ(j["errors"]["mqtt_base"], "expected a topic without + or # and without leading or trailing /")
      << "a base topic with a space is refused";
  good = page.call("{\"op\":\"save\",\"settings\":{\"mqtt_base\":\"home\\/power\",\"meter_key\":\"\",\"mqtt_host\":\"broker.lan\"}}",
                   page.passkey);
  j = nlohmann::json::parse(good.second);
  EXPECT_EQ(j["saved"], true) << good.second;
  EXPECT_STREQ(page.backend.settings_.get(p1::SettingId::kMqttBase), "home/power");
  EXPECT_STREQ(page.backend.settings_.get(p1::SettingId::kMeterKey), "36C66639E48A8CA4D6BC8B282A793BBB")
      << "an empty secret keeps the stored one";
}

TEST(SealedCalls, RefusalsCarryTheirStatusAndMessage) {
  Page page;
  EXPECT_EQ(page.call("{\"op\":\"login\"}", "wrong-passkey"),
            std::make_pair(403, std::string("{\"error\":\"wrong passkey\"}")));
  std::string n = page.nonce();
  EXPECT_EQ(page.call("{\"op\":\"login\"}", page.passkey, n).first, 200);
  EXPECT_EQ(page.call("{\"op\":\"login\"}", page.passkey, n),
            std::make_pair(403, std::string("{\"error\":\"expired or reused request\"}")));
  EXPECT_EQ(page.call("{\"op\":\"dance\"}", page.passkey),
            std::make_pair(400, std::string("{\"error\":\"unknown operation\"}")));
  EXPECT_EQ(page.call("not json", page.passkey), std::make_pair(400, std::string("{\"error\":\"malformed request\"}")));
  uint8_t zero[16] = {};
  for (const char* body : {"", "{}", "[1,2]", "{\"nonce\":\"zz\"}", "{\"nonce\":1,\"salt\":2}"}) {
    EXPECT_EQ(page.raw(body, zero, page.passkey), std::make_pair(400, std::string("{\"error\":\"malformed request\"}")))
        << body;
  }
  std::string huge(20000, 'a');
  EXPECT_EQ(page.raw(huge, zero, page.passkey).first, 413);
  // An expired nonce.
  std::string old = page.nonce();
  page.now += p1::NonceBook::kLifetimeMs + 10;
  EXPECT_EQ(page.call("{\"op\":\"login\"}", page.passkey, old).first, 403);
}

TEST(SealedCalls, WrongPasskeysLockTheClientOut) {
  Page page;
  for (int i = 0; i < p1::AttemptLimiter::kFreeFailures; ++i) EXPECT_EQ(page.call("{\"op\":\"login\"}", "guess", "", 9).first, 403);
  auto locked = page.call("{\"op\":\"login\"}", page.passkey, "", 9);
  EXPECT_EQ(locked.first, 429);
  EXPECT_NE(locked.second.find("\"retry_after\":"), std::string::npos);
  EXPECT_EQ(page.call("{\"op\":\"login\"}", page.passkey, "", 10).first, 200) << "another client is not locked";
}

TEST(SealedCalls, WithoutAPasskeyThePageIsDisabled) {
  p1test::CountingRandom random;
  p1::BearSslWebCrypto crypto;
  Backend backend;
  p1::SealedCalls calls(crypto, random, backend);
  std::string body = "{}";
  std::vector<uint8_t> plain(256);
  p1::Settings scratch;
  auto reply = calls.call(1, 1, p1::CharSpan(&body[0], body.size()), p1::MutableByteSpan(plain.data(), plain.size()), scratch);
  EXPECT_EQ(reply.status, 403);
  p1test::ReplyCapture c;
  calls.send(c);
  EXPECT_EQ(c.text, "{\"error\":\"no passkey is set: the page is disabled\"}");
}

// The form is the schema's: groups, kinds, help and the options of every
// select, switch and flag, from the same lists the validators check.
TEST(SealedCalls, TheSettingsFormCarriesGroupsKindsHelpAndOptions) {
  Page page;
  auto settings = page.call("{\"op\":\"settings\"}", page.passkey);
  ASSERT_EQ(settings.first, 200);
  nlohmann::json j = nlohmann::json::parse(settings.second);
  std::map<std::string, nlohmann::json> field;
  for (const auto& f : j["fields"]) field[f["key"]] = f;
  EXPECT_EQ(field["message_mode"]["kind"], "flags");
  EXPECT_EQ(field["message_mode"]["group"], "mqtt");
  EXPECT_EQ(field["message_mode"]["options"], nlohmann::json::parse(R"([["0","raw"],["1","topics"],["2","JSON"]])"));
  EXPECT_EQ(field["ha_discovery"]["kind"], "switch");
  EXPECT_EQ(field["ha_discovery"]["group"], "integrations");
  EXPECT_EQ(field["ha_discovery"]["options"], nlohmann::json::parse(R"([["1","on"],["0","off"]])"));
  EXPECT_EQ(field["serial_baud"]["kind"], "select");
  EXPECT_EQ(field["serial_baud"]["options"][3], "2400");
  EXPECT_EQ(field["meter_profile"]["options"][0], "auto");
  EXPECT_EQ(field["web_key"]["group"], "web");
  EXPECT_EQ(field["mqtt_host"]["help"], "Where the broker runs");
  EXPECT_EQ(field.count("wifi_ssid"), 0u);  // the device's
  // Every option offered is accepted by the setting's validator, and a value
  // outside the list is not.
  for (const p1::SettingSpec& spec : p1::setting_specs()) {
    if (!spec.has_options() || spec.kind() == p1::SettingKind::kFlags) continue;
    p1::SettingOption o;
    for (size_t i = 0; spec.option(i, o); ++i) {
      p1::Settings s;
      EXPECT_EQ(s.set(spec.id(), std::string(o.value.data(), o.value.size()).c_str()), p1::SettingError::kNone) << spec.key().host_string();
    }
  }
  p1::Settings s;
  EXPECT_EQ(s.set(p1::SettingId::kSerialBaud, "2401"), p1::SettingError::kInvalid);
}

TEST(SealedCalls, TheHistoryCallAsksTheBackendForOneMeter) {
  Page page;
  // A backend without history says so plainly.
  EXPECT_EQ(page.call("{\"op\":\"history\",\"meter\":0}", page.passkey),
            std::make_pair(200, std::string("{\"error\":\"no history here\"}")));
  page.backend.has_history = true;
  EXPECT_EQ(page.call("{\"op\":\"history\",\"meter\":2}", page.passkey),
            std::make_pair(200, std::string("{\"live\":[[1,2]]}")));
  EXPECT_EQ(page.backend.history_asked, 2u);
  EXPECT_EQ(page.backend.part_asked, 0u);  // from the first series when no part is named
  page.call("{\"op\":\"history\"}", page.passkey);
  EXPECT_EQ(page.backend.history_asked, 0u);  // the first meter when none is named
  page.call("{\"op\":\"history\",\"meter\":0,\"part\":3}", page.passkey);
  EXPECT_EQ(page.backend.part_asked, 3u);  // the page asks for the rest of a paged answer
  page.call("{\"op\":\"history\",\"meter\":0,\"part\":-1}", page.passkey);
  EXPECT_EQ(page.backend.part_asked, UINT32_MAX);  // no such part: nothing is written
  page.call("{\"op\":\"history\",\"meter\":\"x\"}", page.passkey);
  EXPECT_EQ(page.backend.history_asked, UINT32_MAX);  // no such meter: the backend says so
}

TEST(SealedCalls, AnAnswerLargerThanTheScratchIsRefusedNotTruncated) {
  Page page;
  page.plain.resize(64);
  EXPECT_EQ(page.call("{\"op\":\"settings\"}", page.passkey),
            std::make_pair(500, std::string("{\"error\":\"reply too large for this device\"}")));
}

}  // namespace

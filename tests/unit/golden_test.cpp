// Every shared real telegram of a supported family decodes to exactly the
// values its file lists (value, unit, decrypted plaintext, timestamp).
#include <gtest/gtest.h>

#include <cstdlib>

#include "p1/crypto/aes_gcm_bearssl.h"
#include "p1/crypto/aes_gcm_mbedtls.h"
#include "p1/base/hex.h"
#include "p1/output/output_format.h"
#include "support/testdata.h"

namespace {

using nlohmann::json;

struct GoldenCase {
  const char* id;
};

std::string value_text(const p1::ReadingValue& value) {
  char buffer[512];
  auto n = p1::format_value_text(value, p1::CharSpan(buffer, sizeof buffer));
  return n ? std::string(buffer, *n) : std::string("<overflow>");
}

template <typename Backend>
void check_golden(const std::string& id) {
  json t = p1test::load_telegram(id);
  Backend gcm;
  p1::MeterStream stream(&gcm);
  ASSERT_TRUE(p1test::set_keys(stream, t));
  // Every file goes through the stream reader as it came off the wire, with
  // no profile named: framing and layout are detected.
  p1test::Bytes wire = p1enc::from_hex(t["hex"]);
  auto outcomes = p1test::run_stream(stream, wire);
  ASSERT_EQ(outcomes.size(), 1u);
  ASSERT_EQ(outcomes[0].event.kind, p1::StreamEvent::Kind::kReading) << p1::describe(outcomes[0].event.error);
  const p1::Reading* reading = &stream.reading();
  if (t["auth_key"].is_string()) {
    EXPECT_TRUE(reading->tag_checked);
  }

  // Plaintext matches the published decrypted APDU.
  std::string plain = p1enc::to_hex(p1test::Bytes(reading->plaintext.begin(), reading->plaintext.end()));
  EXPECT_EQ(plain, t["plaintext_hex"].get<std::string>());

  // Every expected OBIS value, compared as a decimal number or as text.
  const json& expected = t["expected"]["obis"];
  ASSERT_FALSE(expected.empty());
  for (auto it = expected.begin(); it != expected.end(); ++it) {
    SCOPED_TRACE(id + " " + it.key());
    p1::Obis obis;
    int parts[6];
    ASSERT_EQ(std::sscanf(it.key().c_str(), "%d.%d.%d.%d.%d.%d", &parts[0], &parts[1], &parts[2], &parts[3],
                          &parts[4], &parts[5]),
              6);
    for (int i = 0; i < 6; ++i) obis.v[i] = static_cast<uint8_t>(parts[i]);
    const p1::ReadingValue* value = reading->find(obis);
    ASSERT_NE(value, nullptr) << "missing";
    std::string text = value_text(*value);
    const json& want = it.value()["value"];
    if (want.is_number()) {
      EXPECT_EQ(std::strtod(text.c_str(), nullptr), want.get<double>()) << text;
    } else {
      EXPECT_EQ(text, want.get<std::string>());
    }
    if (it.value().contains("unit")) {
      EXPECT_EQ(std::string(p1::unit_symbol(value->unit)), it.value()["unit"].get<std::string>());
    }
  }

  // The JSON timestamp carries the meter's UTC offset.
  const p1::DlmsDateTime* time = reading->timestamp();
  ASSERT_NE(time, nullptr);
  char iso[p1::DlmsDateTime::kIsoMax];
  EXPECT_EQ(std::string(iso, time->to_iso(iso)), t["expected"]["timestamp"].get<std::string>());
}

class Golden : public ::testing::TestWithParam<const char*> {};

// The list below must cover every file in testdata/telegrams.
TEST(GoldenCoverage, EveryTelegramFileIsTested) {
  EXPECT_EQ(p1test::telegram_ids().size(), 8u);
}

TEST_P(Golden, DecodesWithBearSsl) { check_golden<p1::BearSslAesGcm>(GetParam()); }
TEST_P(Golden, DecodesWithMbedTls) { check_golden<p1::MbedTlsAesGcm>(GetParam()); }

INSTANTIATE_TEST_SUITE_P(Telegrams, Golden,
                         ::testing::Values("at-netznoe-kaifa-ma309-docsample", "at-tinetz-kaifa-docsample",
                                           "at-salzburgnetz-kaifa-plaintext", "at-wienernetze-iskra-am550-b",
                                           "at-kaerntennetz-iskra-am550", "at-enetze-steiermark-sagemcom-t210dr",
                                           "lgz-e450-gbt-flat-a", "at-netzooe-siemens-td3511-specsample"),
                         [](const ::testing::TestParamInfo<const char*>& param) {
                           std::string name = param.param;
                           for (char& c : name) {
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

// Decodes a shared telegram file with its key (default backend).
std::vector<p1test::Outcome> decode_file(const std::string& id, std::string* layout = nullptr) {
  json t = p1test::load_telegram(id);
  p1::BearSslAesGcm gcm;
  p1::MeterStream stream(&gcm);
  p1::Aes128Key key;
  std::string k = t["key"];
  EXPECT_EQ(p1::Aes128Key::parse(p1::Span<const char>(k.data(), k.size()), key), p1::KeyParseError::kNone);
  stream.decoder().set_key(key);
  auto outcomes = p1test::run_stream(stream, p1enc::from_hex(t["hex"]));
  if (layout != nullptr) *layout = stream.reading().layout;
  return outcomes;
}

// The seed JSON of the original gateway, key for key.
TEST(GoldenJson, EvnSampleMatchesGatewayFormat) {
  auto outcomes = decode_file("at-netznoe-kaifa-ma309-docsample");
  ASSERT_EQ(outcomes.size(), 1u);
  json got = json::parse(outcomes[0].json);
  json want = json::parse(
      R"({"meternumber":"181220000009","timestamp":"2021-09-27T09:47:15+02:00","w_p":12937,"w_n":0,"p_p":0,"p_n":0,
          "u1":233.7,"u2":0,"u3":0,"i1":0,"i2":0,"i3":0,"phi":1.000})");
  for (auto it = want.begin(); it != want.end(); ++it) {
    ASSERT_TRUE(got.contains(it.key())) << it.key();
    if (it.value().is_number()) {
      EXPECT_EQ(got[it.key()].get<double>(), it.value().get<double>()) << it.key();
    } else {
      EXPECT_EQ(got[it.key()], it.value()) << it.key();
    }
  }
  // Exact decimal text, never binary floating point artefacts.
  EXPECT_NE(outcomes[0].json.find("\"u1\":233.7,"), std::string::npos);
  EXPECT_NE(outcomes[0].json.find("\"phi\":1.000"), std::string::npos);
  EXPECT_EQ(got["obis"]["1.0.32.7.0.255"].get<double>(), 233.7);
  EXPECT_EQ(got["obis"]["0.0.96.1.0.255"], "181220000009");
  // Key order of the original gateway (checked on the text: nlohmann sorts keys).
  size_t last = 0;
  for (const char* field : {"\"meternumber\"", "\"timestamp\"", "\"w_p\"", "\"w_n\"", "\"p_p\"", "\"p_n\"", "\"u1\"",
                          "\"u2\"", "\"u3\"", "\"i1\"", "\"i2\"", "\"i3\"", "\"phi\"", "\"obis\""}) {
    size_t at = outcomes[0].json.find(field);
    ASSERT_NE(at, std::string::npos) << field;
    EXPECT_GT(at + 1, last) << field;
    last = at;
  }
}

// KSM-West has no L2/L3 registers in this sample: those keys must be absent.
TEST(GoldenJson, AbsentValuesHaveNoKey) {
  std::string layout;
  auto outcomes = decode_file("at-tinetz-kaifa-docsample", &layout);
  ASSERT_EQ(outcomes.size(), 1u);
  json got = json::parse(outcomes[0].json);
  EXPECT_TRUE(got.contains("u1"));
  EXPECT_FALSE(got.contains("u2"));
  EXPECT_FALSE(got.contains("i3"));
  EXPECT_FALSE(got.contains("phi"));
  EXPECT_EQ(got["obis"]["1.0.3.8.0.255"], 96);
  EXPECT_EQ(got["obis"]["0.0.42.0.0.255"], "KFM1100100000035");
  EXPECT_EQ(layout, "ksm-west");
}

}  // namespace

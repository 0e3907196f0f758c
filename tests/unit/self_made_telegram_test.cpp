// Telegrams built with the project's own encoder: other keys, other values,
// negative and large values, three phases, both layouts, both ciphering tags.
#include <gtest/gtest.h>

#include "p1/crypto/aes_gcm_mbedtls.h"
#include "p1/output/output_format.h"
#include "support/evn_fixture.h"

namespace {

using nlohmann::json;
using p1test::Bytes;

json decode_one(const Bytes& wire, bool auth = false) {
  p1test::KeyedStream s(auth);
  auto outcomes = p1test::run_stream(s.stream, wire);
  EXPECT_EQ(outcomes.size(), 1u);
  if (outcomes.size() != 1 || outcomes[0].event.kind != p1::StreamEvent::Kind::kReading) {
    ADD_FAILURE() << (outcomes.empty() ? "no outcome" : p1::describe(outcomes[0].event.error));
    return json();
  }
  return json::parse(outcomes[0].json);
}

TEST(SelfMade, ThreePhaseEvnValuesRoundTrip) {
  p1enc::EvnValues v;
  v.time = {2025, 3, 30, 7, 1, 59, 59, 60, 0x00};  // UTC-01:00 offset
  v.energy_import_wh = 4294967295u;                // largest double-long-unsigned
  v.energy_export_wh = 123456789;
  v.power_import_w = 11040;
  v.power_export_w = 7;
  v.voltage_dv[0] = 2301;
  v.voltage_dv[1] = 2299;
  v.voltage_dv[2] = 65535;
  v.current_ca[0] = 1;
  v.current_ca[1] = 10;
  v.current_ca[2] = 1234;
  v.power_factor_milli = 953;
  v.meter_number = "1KFM0200234804";
  Bytes wire = p1enc::mbus_frames(p1enc::cipher(p1enc::evn_notification(v), p1test::cipher_params(42)));
  json j = decode_one(wire);
  EXPECT_EQ(j["meternumber"], "1KFM0200234804");
  EXPECT_EQ(j["timestamp"], "2025-03-30T01:59:59-01:00");
  EXPECT_EQ(j["w_p"].get<uint64_t>(), 4294967295u);
  EXPECT_EQ(j["w_n"], 123456789);
  EXPECT_EQ(j["p_p"], 11040);
  EXPECT_EQ(j["p_n"], 7);
  EXPECT_EQ(j["u1"].get<double>(), 230.1);
  EXPECT_EQ(j["u2"].get<double>(), 229.9);
  EXPECT_EQ(j["u3"].get<double>(), 6553.5);
  EXPECT_EQ(j["i1"].get<double>(), 0.01);
  EXPECT_EQ(j["i2"].get<double>(), 0.1);
  EXPECT_EQ(j["i3"].get<double>(), 12.34);
  EXPECT_EQ(j["phi"].get<double>(), 0.953);
}

TEST(SelfMade, NegativeSignedPowerFactorAsSagemcomSendsIt) {
  p1enc::EvnValues v = p1test::evn_values(3);
  v.signed_power_factor = true;
  v.power_factor_milli = -871;
  json j = decode_one(p1enc::mbus_frames(p1enc::cipher(p1enc::evn_notification(v), p1test::cipher_params(3))));
  EXPECT_EQ(j["phi"].get<double>(), -0.871);
  EXPECT_EQ(j["obis"]["1.0.13.7.0.255"].get<double>(), -0.871);
}

TEST(SelfMade, DedicatedCipheringAndAuthentication) {
  p1enc::CipherParams p = p1test::cipher_params(99, 0x30);
  p.tag = 0xDF;
  Bytes wire = p1enc::mbus_frames(p1enc::cipher(p1enc::evn_notification(p1test::evn_values(9)), p));
  json j = decode_one(wire, true);
  EXPECT_EQ(j["w_p"], 1000063);
  EXPECT_EQ(j["tag_checked"], true);
  json unchecked = decode_one(wire, false);
  EXPECT_EQ(unchecked["tag_checked"], false);
}

TEST(SelfMade, OtherKeyWithMbedTls) {
  uint8_t key[16];
  for (int i = 0; i < 16; ++i) key[i] = static_cast<uint8_t>(0xF0 - i);
  p1enc::CipherParams p = p1test::cipher_params(1);
  std::copy(key, key + 16, p.key);
  Bytes wire = p1enc::mbus_frames(p1enc::cipher(p1enc::evn_notification(p1test::evn_values(1)), p));
  p1::MbedTlsAesGcm gcm;
  p1::MeterStream stream(&gcm);
  stream.decoder().set_key(p1::Aes128Key(key));
  auto outcomes = p1test::run_stream(stream, wire);
  ASSERT_EQ(p1test::count_readings(outcomes), 1u);
  EXPECT_EQ(json::parse(outcomes[0].json)["w_p"], 1000007);
}

TEST(SelfMade, KsmWestWithNegativeAndLong64Values) {
  p1enc::DateTime t{2023, 12, 31, 7, 23, 59, 58, -60, 0x00};
  std::vector<p1enc::Register> regs = {
      {{1, 0, 32, 7, 0, 255}, 0x12, 2312, -1, 35},
      {{1, 0, 1, 7, 0, 255}, 0x05, -1500, 0, 27},          // double-long, negative
      {{1, 0, 1, 8, 0, 255}, 0x15, 12345678901234LL, 0, 30},  // long64-unsigned
      {{1, 0, 3, 8, 0, 255}, 0x06, 77, 3, 32},             // positive scaler: 77000 varh
      {{1, 0, 14, 7, 0, 255}, 0x12, 4998, -2, 44},         // frequency (not a gateway key)
  };
  Bytes plain = p1enc::ksm_west_notification(t, regs, "1KFM0100000035", "KFM1100100000035");
  p1enc::CipherParams p = p1test::cipher_params(5, 0x21);
  Bytes wire = p1enc::mbus_frames(p1enc::cipher(plain, p));
  json j = decode_one(wire);
  EXPECT_EQ(j["timestamp"], "2023-12-31T23:59:58+01:00");
  EXPECT_EQ(j["u1"].get<double>(), 231.2);
  EXPECT_EQ(j["p_p"], -1500);
  EXPECT_EQ(j["w_p"].get<uint64_t>(), 12345678901234ULL);
  EXPECT_EQ(j["obis"]["1.0.3.8.0.255"], 77000);
  EXPECT_EQ(j["obis"]["1.0.14.7.0.255"].get<double>(), 49.98);
  EXPECT_FALSE(j.contains("w_n"));
}

TEST(SelfMade, ProfileCanBeForced) {
  Bytes plain = p1enc::evn_notification(p1test::evn_values(2));
  p1::BearSslAesGcm gcm;
  p1::StreamCounters counters;
  p1::TelegramDecoder decoder(&gcm, counters);
  decoder.set_layout(p1::find_body_layout("ksm-west"));
  p1::Reading reading;
  // The EVN body read as KSM-West gives no meter number: the flat walker still
  // finds OBIS-tagged values, but the EVN extras (bare clock/number) are lost.
  Bytes copy = plain;
  ASSERT_EQ(decoder.decode(p1::MutableByteSpan(copy.data(), copy.size()), reading), p1::Error::kNone);
  EXPECT_EQ(reading.find(p1::obis::kMeterNumber), nullptr);
  EXPECT_STREQ(reading.layout, "ksm-west");
  decoder.set_layout(nullptr);
  copy = plain;
  ASSERT_EQ(decoder.decode(p1::MutableByteSpan(copy.data(), copy.size()), reading), p1::Error::kNone);
  EXPECT_STREQ(reading.layout, "evn");
  EXPECT_NE(reading.find(p1::obis::kMeterNumber), nullptr);
}

TEST(SelfMade, ManyTelegramsInARow) {
  Bytes wire;
  for (uint32_t n = 1; n <= 50; ++n) {
    Bytes t = p1test::evn_wire(n);
    wire.insert(wire.end(), t.begin(), t.end());
  }
  p1test::KeyedStream s;
  auto outcomes = p1test::run_stream(s.stream, wire, 7);
  ASSERT_EQ(p1test::count_readings(outcomes), 50u);
  for (uint32_t n = 1; n <= 50; ++n) {
    json j = json::parse(outcomes[n - 1].json);
    EXPECT_EQ(j["w_p"], 1000000 + n * 7);
    EXPECT_EQ(outcomes[n - 1].event.telegram, n);
  }
}

}  // namespace

// DLMS push lists decoded from the specification (Blue Book, push setup,
// interface class 40), with telegrams built by the project's encoder: a push
// whose first element is its own push_object_list, registers with and
// without their scaler_unit attribute, other element counts; flat OBIS/value
// lists that begin with a list identifier, pairs with and without
// {scaler, unit}, B-field 1 registers (Kamstrup style); and the shapes no
// rule explains, refused with the structure seen. Plus the DSMR decimals
// that do not fit a reading's scaler.
#include <gtest/gtest.h>

#include <string>

#include "p1/cosem/layouts/body_layout.h"
#include "p1/cosem/reading.h"
#include "support/evn_fixture.h"

namespace {

using nlohmann::json;
using p1::Error;
using p1test::Bytes;
using namespace p1enc;

struct Decoded {
  std::vector<json> readings;
  std::vector<std::string> lines;  // the JSON text, for numbers a double cannot hold
  std::vector<Error> errors;
  std::string layout;
  p1::Reading reading;  // the last one
};

Decoded decode(const Bytes& wire, bool auth_key = false) {
  p1test::KeyedStream s(auth_key);
  Decoded d;
  for (const auto& o : p1test::run_stream(s.stream, wire)) {
    if (o.event.kind == p1::StreamEvent::Kind::kReading) {
      d.readings.push_back(json::parse(o.json));
      d.lines.push_back(o.json);
      d.layout = s.stream.reading().layout;
      d.reading = s.stream.reading();
    } else {
      d.errors.push_back(o.event.error);
    }
  }
  return d;
}

CipherParams params(const char* maker, uint32_t fc, uint8_t sc = 0x30) {
  CipherParams p = p1test::cipher_params(fc, sc);
  for (int i = 0; i < 3; ++i) p.system_title[i] = static_cast<uint8_t>(maker[i]);
  return p;
}

Bytes hdlc_push(const Bytes& notification, uint32_t fc) {
  return hdlc_gbt_frames(cipher(notification, params("LGZ", fc)), 60);
}

const Bytes kPushSetup{0, 0, 25, 9, 0, 255};
const Bytes kClock{0, 0, 1, 0, 0, 255};
const Bytes kMeterNumber{0, 0, 96, 1, 0, 255};
const Bytes kEnergyImport{1, 0, 1, 8, 0, 255};
const Bytes kEnergyExport{1, 0, 2, 8, 0, 255};
const Bytes kPowerImport{1, 0, 1, 7, 0, 255};
const Bytes kVoltageL1{1, 0, 32, 7, 0, 255};
const Bytes kCurrentL1{1, 0, 31, 7, 0, 255};

const p1::ReadingValue* find(const p1::Reading& r, const Bytes& obis) {
  return r.find(p1::Obis::from_bytes(p1::ByteSpan(obis.data(), obis.size())));
}

// E450 style: the push_object_list is the first captured attribute, then the
// push setup's logical name, the meter number, the clock and registers; the
// voltage's {scaler, unit} comes before its value, the power has none.
Bytes e450_push(const DateTime& t) {
  Bytes list = array({
      capture_object(40, kPushSetup, 2), capture_object(40, kPushSetup, 1), capture_object(1, kMeterNumber, 2),
      capture_object(8, kClock, 2),      capture_object(3, kEnergyImport, 2), capture_object(3, kEnergyImport, 3),
      capture_object(3, kVoltageL1, 3),  capture_object(3, kVoltageL1, 2),   capture_object(3, kCurrentL1, 2),
      capture_object(3, kCurrentL1, 3),  capture_object(3, kPowerImport, 2),
  });
  return notification(nullptr, {list, octets(kPushSetup), octets(std::string("LGZ1030655933512")), octets(t.encode()),
                                integer(0x06, 1234567), scaler_unit(0, 30), scaler_unit(-1, 35), integer(0x12, 2301),
                                integer(0x12, 123), scaler_unit(-2, 33), integer(0x06, 500)});
}

TEST(PushList, OwnCaptureObjectListWithRegisterScalers) {
  DateTime t{2025, 6, 7, 6, 8, 9, 10, -120, 0x80};
  Decoded d = decode(hdlc_push(e450_push(t), 11), true);
  ASSERT_EQ(d.readings.size(), 1u);
  EXPECT_EQ(d.layout, "capture-list");
  json& j = d.readings[0];
  EXPECT_EQ(j["meternumber"], "LGZ1030655933512");
  EXPECT_EQ(j["timestamp"], "2025-06-07T08:09:10+02:00");
  EXPECT_EQ(j["w_p"], 1234567);
  EXPECT_EQ(j["u1"].dump(), "230.1");
  EXPECT_EQ(j["i1"].dump(), "1.23");
  EXPECT_EQ(j["p_p"], 500);
  EXPECT_EQ(j["tag_checked"], true);
  // The push setup's own logical name and the list are no readings.
  EXPECT_EQ(j["obis"].size(), 6u);
  EXPECT_FALSE(j["obis"].contains("0.0.25.9.0.255"));
  // Units: from the scaler_unit attributes, else the OBIS code's usual one.
  EXPECT_EQ(find(d.reading, kVoltageL1)->unit, 35);
  EXPECT_EQ(find(d.reading, kCurrentL1)->unit, 33);
  EXPECT_EQ(find(d.reading, kPowerImport)->unit, 27);
  EXPECT_EQ(find(d.reading, kPowerImport)->scaler, 0);
}

TEST(PushList, AnyNumberOfElements) {
  // Two captured attributes besides the list, and then twenty.
  Bytes small = notification(nullptr, {array({capture_object(40, kPushSetup, 2), capture_object(3, kEnergyExport, 2),
                                              capture_object(3, kEnergyExport, 3)}),
                                       integer(0x06, 77), scaler_unit(3, 30)});
  Decoded d = decode(hdlc_push(small, 12), true);
  ASSERT_EQ(d.readings.size(), 1u);
  EXPECT_EQ(d.layout, "capture-list");
  EXPECT_EQ(d.readings[0]["w_n"], 77000);

  std::vector<Bytes> defs{capture_object(40, kPushSetup, 2)};
  std::vector<Bytes> elements{Bytes()};
  for (uint8_t tariff = 1; tariff <= 20; ++tariff) {
    defs.push_back(capture_object(3, Bytes{1, 0, 1, 8, tariff, 255}, 2));
    elements.push_back(integer(0x06, 1000 + tariff));
  }
  elements[0] = array(defs);
  Decoded many = decode(hdlc_push(notification(nullptr, elements), 13), true);
  ASSERT_EQ(many.readings.size(), 1u);
  EXPECT_EQ(many.readings[0]["obis"].size(), 20u);
  EXPECT_EQ(many.readings[0]["obis"]["1.0.1.8.20.255"], 1020);
  EXPECT_EQ(find(many.reading, Bytes{1, 0, 1, 8, 7, 255})->unit, 30);  // Wh, the usual unit of an energy register
}

TEST(PushList, ValuesInOneStructureAfterTheList) {
  Bytes list = array({capture_object(40, kPushSetup, 2), capture_object(3, kEnergyImport, 2),
                      capture_object(3, kVoltageL1, 2), capture_object(3, kVoltageL1, 3)});
  Bytes body = notification(nullptr, {list, structure({integer(0x06, 5), integer(0x12, 231), scaler_unit(0, 35)})});
  Decoded d = decode(hdlc_push(body, 14), true);
  ASSERT_EQ(d.readings.size(), 1u);
  EXPECT_EQ(d.readings[0]["w_p"], 5);
  EXPECT_EQ(d.readings[0]["u1"], 231);
}

TEST(PushList, CountThatNoDefinitionExplainsIsRefusedWithTheShape) {
  // Three definitions (the list and two values) but three values after it.
  Bytes list = array({capture_object(40, kPushSetup, 2), capture_object(3, kEnergyImport, 2),
                      capture_object(3, kEnergyExport, 2)});
  Bytes body = notification(nullptr, {list, integer(0x06, 1), integer(0x06, 2), integer(0x06, 3)});
  Decoded d = decode(hdlc_push(body, 15), true);
  EXPECT_TRUE(d.readings.empty());
  EXPECT_EQ(d.errors, std::vector<Error>{Error::kUnknownLayout});
  // What the user is told: the structure seen.
  Bytes shape_body(body.begin() + 6, body.end());
  char text[512];
  size_t n = p1::describe_body_shape(p1::ByteSpan(shape_body.data(), shape_body.size()), p1::CharSpan(text, sizeof text));
  EXPECT_EQ(std::string(text, n),
            "structure(4){array(3){structure(4){long-unsigned, octet-string(6), integer, long-unsigned}, "
            "structure(4){long-unsigned, octet-string(6), integer, long-unsigned}, "
            "structure(4){long-unsigned, octet-string(6), integer, long-unsigned}}, double-long-unsigned x3}");
}

TEST(PushList, SkippedDefinitionMustBeTheListItself) {
  // Three definitions for two values: the first must describe the list
  // (class 40 attribute 2); a register there is a shape no rule explains.
  Bytes list = array({capture_object(3, kPowerImport, 2), capture_object(3, kEnergyImport, 2),
                      capture_object(3, kEnergyExport, 2)});
  Decoded d = decode(hdlc_push(notification(nullptr, {list, integer(0x06, 1), integer(0x06, 2)}), 16), true);
  EXPECT_TRUE(d.readings.empty());
  EXPECT_EQ(d.errors, std::vector<Error>{Error::kUnknownLayout});
}

// ---- flat OBIS/value lists -------------------------------------------------

// Kamstrup style: a visible-string list name, then OBIS/value pairs with
// B-field 1, no scalers, the clock as 0.1.1.0.0.255.
Bytes kamstrup_list(const DateTime& t) {
  return notification(nullptr, {visible_string("Kamstrup_V0001"), octets(Bytes{1, 1, 0, 0, 5, 255}),
                                visible_string("5706567274389702"), octets(Bytes{1, 1, 96, 1, 1, 255}),
                                visible_string("6841131BN243101040"), octets(Bytes{1, 1, 1, 7, 0, 255}),
                                integer(0x06, 1470), octets(Bytes{1, 1, 2, 7, 0, 255}), integer(0x06, 0),
                                octets(Bytes{1, 1, 32, 7, 0, 255}), integer(0x12, 229),
                                octets(Bytes{1, 1, 31, 7, 0, 255}), integer(0x06, 640),
                                octets(Bytes{0, 1, 1, 0, 0, 255}), octets(t.encode()),
                                octets(Bytes{1, 1, 1, 8, 0, 255}), integer(0x06, 9876543)});
}

TEST(FlatList, ListIdentifierThenChannelOneRegisters) {
  DateTime t{2024, 12, 24, 2, 18, 30, 0, -60, 0};
  Decoded d = decode(mbus_frames(cipher(kamstrup_list(t), params("KAM", 3))), true);
  ASSERT_EQ(d.readings.size(), 1u) << (d.errors.empty() ? "" : p1::describe(d.errors[0]));
  EXPECT_EQ(d.layout, "obis-flat");
  json& j = d.readings[0];
  EXPECT_EQ(j["p_p"], 1470);
  EXPECT_EQ(j["p_n"], 0);
  EXPECT_EQ(j["u1"], 229);
  EXPECT_EQ(j["i1"], 640);
  EXPECT_EQ(j["w_p"], 9876543);
  EXPECT_EQ(j["timestamp"], "2024-12-24T18:30:00+01:00");  // the B=1 clock
  EXPECT_EQ(j["obis"]["1.1.96.1.1.255"], "6841131BN243101040");
  // The list name is not a value, and not taken for the meter number.
  EXPECT_FALSE(j.contains("meternumber"));
  EXPECT_EQ(j["obis"].size(), 8u);
  EXPECT_EQ(find(d.reading, Bytes{1, 1, 32, 7, 0, 255})->unit, 35);
  EXPECT_EQ(find(d.reading, Bytes{1, 1, 1, 8, 0, 255})->unit, 30);
}

TEST(FlatList, OctetStringListIdAfterTheClockWithAndWithoutScalers) {
  DateTime t{2024, 2, 3, 6, 4, 5, 6, -60, 0};
  Bytes body = notification(nullptr, {octets(t.encode()), octets(std::string("LIST-02")),
                                      octets(kEnergyImport), integer(0x06, 12345), scaler_unit(1, 30),
                                      octets(kVoltageL1), integer(0x12, 2299), scaler_unit(-1, 35),
                                      octets(kPowerImport), integer(0x06, 42)});
  Decoded d = decode(hdlc_push(body, 17), true);
  ASSERT_EQ(d.readings.size(), 1u);
  EXPECT_EQ(d.layout, "evn");  // the flat walk with scalers
  EXPECT_EQ(d.readings[0]["timestamp"], "2024-02-03T04:05:06+01:00");
  EXPECT_EQ(d.readings[0]["w_p"], 123450);
  EXPECT_EQ(d.readings[0]["u1"].dump(), "229.9");
  EXPECT_EQ(d.readings[0]["p_p"], 42);
  EXPECT_EQ(find(d.reading, kPowerImport)->unit, 27);
  EXPECT_EQ(d.readings[0]["obis"].size(), 4u);
}

TEST(FlatList, RealE450GbtTelegramDecodesWithoutProfile) {
  json t = p1test::load_telegram("lgz-e450-gbt-flat-a");
  p1::BearSslAesGcm gcm;
  p1::MeterStream stream(&gcm);
  p1::Aes128Key key;
  p1::AuthKey auth;
  std::string k = t["key"], a = t["auth_key"];
  ASSERT_EQ(p1::Aes128Key::parse(p1::Span<const char>(k.data(), k.size()), key), p1::KeyParseError::kNone);
  ASSERT_EQ(p1::AuthKey::parse(p1::Span<const char>(a.data(), a.size()), auth), p1::KeyParseError::kNone);
  stream.decoder().set_key(key);
  stream.decoder().set_auth_key(auth);
  auto outcomes = p1test::run_stream(stream, from_hex(t["hex"]));
  ASSERT_EQ(p1test::count_readings(outcomes), 1u);
  EXPECT_EQ(std::string(stream.reading().layout), "obis-flat");
  json j = json::parse(outcomes[0].json);
  for (const auto& [code, expected] : t["expected"]["obis"].items()) EXPECT_EQ(j["obis"][code], expected["value"]) << code;
  EXPECT_EQ(j["timestamp"], t["expected"]["timestamp"]);
}

// ---- DSMR decimals beyond a reading's scaler ------------------------------

Decoded decode_dsmr_line(const std::string& line, uint32_t fc) {
  std::string text = dsmr_telegram("EST5\\253717584_A", {"0-0:1.0.0(240115080910W)", line});
  return decode(cipher(Bytes(text.begin(), text.end()), params("SAG", fc)), false);
}

TEST(DsmrText, DecimalsBeyondTheScalerAreRefusedNotWrapped) {
  // 0.000...01 kWh with 141 decimals is 10^-138 Wh: no int8 scaler holds it.
  Decoded d = decode_dsmr_line("1-0:1.8.0(0." + std::string(140, '0') + "1*kWh)", 20);
  EXPECT_TRUE(d.readings.empty());
  EXPECT_EQ(d.errors, std::vector<Error>{Error::kValueOutOfRange});
  EXPECT_EQ(p1::stage_of(Error::kValueOutOfRange), p1::Stage::kBody);
}

TEST(DsmrText, ManyTrailingZerosStayExact) {
  // Zero with 140 decimals: exact once the trailing zeros are dropped.
  Decoded d = decode_dsmr_line("1-0:2.8.0(0." + std::string(140, '0') + "*kWh)", 21);
  ASSERT_EQ(d.readings.size(), 1u);
  const p1::ReadingValue* v = find(d.reading, kEnergyExport);
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->magnitude, 0u);
  EXPECT_EQ(v->scaler, -128);
  // The most decimals a scaler holds still decode as they are.
  Decoded edge = decode_dsmr_line("1-0:1.8.0(0." + std::string(130, '0') + "1*kWh)", 22);
  ASSERT_EQ(edge.readings.size(), 1u);
  const p1::ReadingValue* e = find(edge.reading, kEnergyImport);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->magnitude, 1u);
  EXPECT_EQ(e->scaler, -128);
  EXPECT_NE(edge.lines[0].find("\"1.0.1.8.0.255\":0." + std::string(127, '0') + "1}"), std::string::npos);
}

}  // namespace

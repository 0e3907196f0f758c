// Every telegram family of meter-formats.md with self-made telegrams: other
// keys and values, negative and large values, three phases, and broken
// variants (flipped ciphertext with and without authentication, a missing or
// repeated GBT block, a bad FCS, a truncated HDLC frame, the T210-D quirk).
#include <gtest/gtest.h>

#include "p1/output/output_format.h"
#include "support/evn_fixture.h"

namespace {

using nlohmann::json;
using p1::Error;
using p1test::Bytes;
using namespace p1enc;

struct Result {
  std::vector<json> readings;
  std::vector<Error> errors;
  std::vector<std::string> layouts;
};

Result decode(const Bytes& wire, bool auth_key = false, size_t chunk = 0) {
  p1test::KeyedStream s(auth_key);
  Result r;
  auto outcomes = p1test::run_stream(s.stream, wire, chunk);
  for (const auto& o : outcomes) {
    if (o.event.kind == p1::StreamEvent::Kind::kReading) {
      r.readings.push_back(json::parse(o.json));
    } else {
      r.errors.push_back(o.event.error);
    }
  }
  return r;
}

std::string layout_of(const Bytes& wire, bool auth_key = false) {
  p1test::KeyedStream s(auth_key);
  auto outcomes = p1test::run_stream(s.stream, wire);
  bool one_reading = outcomes.size() == 1 && outcomes[0].event.kind == p1::StreamEvent::Kind::kReading;
  return one_reading ? s.stream.reading().layout : "<none>";
}

CipherParams params(const char* maker, uint32_t fc, uint8_t sc = 0x20) {
  CipherParams p = p1test::cipher_params(fc, sc);
  p.system_title[0] = static_cast<uint8_t>(maker[0]);
  p.system_title[1] = static_cast<uint8_t>(maker[1]);
  p.system_title[2] = static_cast<uint8_t>(maker[2]);
  return p;
}

Bytes concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// ---- Wiener Netze (AM550 / E450 / IM350), HDLC, positional ----------------

Bytes wiener_body(uint32_t n, const DateTime& t) {
  return notification(&t, {octets(t.encode()), integer(0x06, 1000000 + n), integer(0x06, 2000 + n),
                           integer(0x06, 300), integer(0x06, 4000000000u), integer(0x06, 1500 + n), integer(0x06, 0),
                           integer(0x06, 12), integer(0x06, 345)});
}

TEST(WienerNetze, HdlcPositionalRoundTrip) {
  DateTime t{2024, 7, 1, 1, 12, 0, 5, -120, 0x80};
  Bytes wire = hdlc_frames(cipher(wiener_body(1, t), params("ISK", 10)));
  Result r = decode(wire);
  ASSERT_EQ(r.readings.size(), 1u);
  json& j = r.readings[0];
  EXPECT_EQ(j["timestamp"], "2024-07-01T12:00:05+02:00");
  EXPECT_EQ(j["w_p"], 1000001);
  EXPECT_EQ(j["w_n"], 2001);
  EXPECT_EQ(j["p_p"], 1501);
  EXPECT_EQ(j["obis"]["1.0.4.8.0.255"].get<uint64_t>(), 4000000000u);
  EXPECT_EQ(j["obis"]["1.0.4.7.0.255"], 345);
  EXPECT_FALSE(j.contains("u1"));
  EXPECT_EQ(layout_of(wire), "wiener-netze");
}

TEST(WienerNetze, SegmentedHdlcFramesWithLongAddresses) {
  DateTime t{2024, 7, 1, 1, 12, 0, 5, -120, 0x80};
  Bytes wire = hdlc_frames(cipher(wiener_body(2, t), params("LGZ", 11)), 30, {0x00, 0x02, 0x00, 0x21}, {0x41});
  for (size_t chunk : {size_t(0), size_t(1), size_t(13)}) {
    Result r = decode(wire, false, chunk);
    ASSERT_EQ(r.readings.size(), 1u) << chunk;
    EXPECT_EQ(r.readings[0]["w_p"], 1000002);
    EXPECT_TRUE(r.errors.empty());
  }
}

TEST(WienerNetze, MissingClosingFlagIsAccepted) {
  DateTime t;
  Bytes one = hdlc_frames(cipher(wiener_body(3, t), params("ISK", 12)), 200, {0xCF}, {0x02, 0x23}, false);
  Bytes two = hdlc_frames(cipher(wiener_body(4, t), params("ISK", 13)), 200, {0xCF}, {0x02, 0x23}, false);
  Result r = decode(concat({one, {0x00, 0x11}, two}));
  ASSERT_EQ(r.readings.size(), 2u);
  EXPECT_EQ(r.readings[1]["w_p"], 1000004);
}

TEST(WienerNetze, BadFcsIsRejectedAndNextFrameKept) {
  DateTime t;
  Bytes bad = hdlc_frames(cipher(wiener_body(5, t), params("ISK", 14)));
  bad[40] ^= 0x04;  // in the information field: HCS still good, FCS fails
  Bytes good = hdlc_frames(cipher(wiener_body(6, t), params("ISK", 15)));
  Result r = decode(concat({bad, good}));
  ASSERT_EQ(r.readings.size(), 1u);
  EXPECT_EQ(r.readings[0]["w_p"], 1000006);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0], Error::kHdlcFcs);
  EXPECT_EQ(p1::stage_of(r.errors[0]), p1::Stage::kFraming);
}

TEST(WienerNetze, TruncatedHdlcFrame) {
  DateTime t;
  Bytes wire = hdlc_frames(cipher(wiener_body(7, t), params("ISK", 16)));
  wire.resize(wire.size() - 20);
  Result r = decode(wire);
  EXPECT_TRUE(r.readings.empty());
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0], Error::kFrameTruncated);
}

TEST(WienerNetze, Im350PutsMeterNumberFirst) {
  DateTime t{2025, 1, 2, 4, 3, 4, 5, -60, 0};
  Bytes body = notification(nullptr, {octets(std::string("1SMS0123456789")), octets(t.encode()), integer(0x06, 7),
                                      integer(0x06, 8), integer(0x06, 9), integer(0x06, 10), integer(0x06, 11),
                                      integer(0x06, 12), integer(0x06, 13), integer(0x06, 14)});
  Bytes wire = hdlc_frames(cipher(body, params("SMS", 1)));
  Result r = decode(wire);
  ASSERT_EQ(r.readings.size(), 1u);
  EXPECT_EQ(r.readings[0]["meternumber"], "1SMS0123456789");
  EXPECT_EQ(r.readings[0]["timestamp"], "2025-01-02T03:04:05+01:00");
  EXPECT_EQ(r.readings[0]["p_p"], 11);
  EXPECT_EQ(layout_of(wire), "wiener-netze-im350");
}

// ---- Kärnten Netz / Wels ---------------------------------------------------

TEST(KaerntenNetz, SeparateTimeAndDateAndOptionalInfo) {
  DateTime t{2023, 2, 28, 2, 23, 59, 1, -60, 0};
  Bytes time{23, 59, 1, 0};
  Bytes date{0x07, 0xE7, 2, 28, 2};
  std::vector<Bytes> elements = {octets(Bytes{0, 6, 25, 9, 0, 255}), octets(std::string("1ISK0001112223")),
                                 octets(time), octets(date), integer(0x06, 98765), integer(0x06, 4321),
                                 integer(0x06, 11), integer(0x06, 22), integer(0x06, 2500), integer(0x06, 0)};
  Bytes without_info = hdlc_frames(cipher(notification(&t, elements), params("ISK", 3)));
  elements.push_back(octets(std::string("Hallo")));
  elements.push_back(octets(std::string("")));
  Bytes with_info = hdlc_frames(cipher(notification(&t, elements), params("SMS", 4)));
  for (const Bytes& wire : {without_info, with_info}) {
    Result r = decode(wire);
    ASSERT_EQ(r.readings.size(), 1u);
    EXPECT_EQ(r.readings[0]["meternumber"], "1ISK0001112223");
    EXPECT_EQ(r.readings[0]["timestamp"], "2023-02-28T23:59:01+01:00");
    EXPECT_EQ(r.readings[0]["w_p"], 98765);
    EXPECT_EQ(r.readings[0]["p_p"], 2500);
    EXPECT_EQ(layout_of(wire), "kaernten-netz");
  }
  EXPECT_EQ(decode(with_info).readings[0]["obis"]["0.0.96.13.0.255"], "Hallo");
}

// ---- Netz Burgenland: E450, SC 0x30, currents in 10 mA ------------------------

Bytes burgenland_body() {
  return notification(nullptr, {integer(0x12, 231), integer(0x12, 229), integer(0x12, 0), integer(0x12, 1234),
                                integer(0x12, 5), integer(0x12, 0), integer(0x06, 2900), integer(0x06, 0),
                                integer(0x06, 5000000), integer(0x06, 1), integer(0x12, 12), integer(0x12, 359),
                                integer(0x12, 0), octets(std::string("LGZ1030655933512"))});
}

TEST(NetzBurgenland, AuthenticatedPositional) {
  Bytes wire = hdlc_frames(cipher(burgenland_body(), params("LGZ", 77, 0x30)));
  Result r = decode(wire, true);
  ASSERT_EQ(r.readings.size(), 1u);
  json& j = r.readings[0];
  EXPECT_EQ(j["u1"], 231);
  EXPECT_EQ(j["i1"].get<double>(), 12.34);
  EXPECT_EQ(j["i2"].get<double>(), 0.05);
  EXPECT_EQ(j["w_p"], 5000000);
  EXPECT_EQ(j["meternumber"], "LGZ1030655933512");
  EXPECT_EQ(j["obis"]["1.0.81.7.15.255"], 359);
  EXPECT_EQ(j["tag_checked"], true);
  EXPECT_EQ(layout_of(wire, true), "netz-burgenland");
}

TEST(NetzBurgenland, FlippedCiphertextWithAndWithoutAuthKey) {
  Bytes apdu = cipher(burgenland_body(), params("LGZ", 78, 0x30));
  apdu[16 + 16] ^= 0x20;  // ciphertext starts at 16; plaintext byte 16 is U3's low byte
  Bytes wire = hdlc_frames(apdu);
  Result with_key = decode(wire, true);
  EXPECT_TRUE(with_key.readings.empty());
  ASSERT_EQ(with_key.errors.size(), 1u);
  EXPECT_EQ(with_key.errors[0], Error::kAuthTagMismatch);
  // Without the authentication key the tag cannot be checked; the flipped bit
  // (in a value) then goes through, flagged as unchecked.
  Result without_key = decode(wire, false);
  ASSERT_EQ(without_key.readings.size(), 1u);
  EXPECT_EQ(without_key.readings[0]["tag_checked"], false);
  EXPECT_EQ(without_key.readings[0]["u3"], 32);
  // A flip in the structure is caught even without the key.
  Bytes structural = cipher(burgenland_body(), params("LGZ", 79, 0x30));
  structural[16 + 14] ^= 0x20;  // U3's type tag
  Result rejected = decode(hdlc_frames(structural), false);
  EXPECT_TRUE(rejected.readings.empty());
  EXPECT_EQ(rejected.errors, std::vector<Error>{Error::kWrongKey});
}

// ---- Landis+Gyr E450: GBT, flat pairs without scaler, capture lists ----------

Bytes e450_flat_body(const DateTime& t) {
  return notification(&t, {octets(t.encode()), octets(Bytes{1, 0, 1, 8, 0, 255}), integer(0x06, 4408736),
                           octets(Bytes{1, 0, 1, 8, 1, 255}), integer(0x06, 3593919),
                           octets(Bytes{1, 0, 1, 8, 2, 255}), integer(0x06, 814817),
                           octets(Bytes{1, 0, 1, 7, 0, 255}), integer(0x06, 2893),
                           octets(Bytes{1, 0, 2, 7, 0, 255}), integer(0x05, -17)});
}

TEST(E450, GbtBlocksReassembleWithAuthentication) {
  DateTime t{2022, 2, 21, 1, 17, 37, 30, INT16_MIN, 0};
  Bytes apdu = cipher(e450_flat_body(t), params("LGZ", 5, 0x30));
  Bytes wire = hdlc_gbt_frames(apdu, 40);
  Result r = decode(wire, true);
  ASSERT_EQ(r.readings.size(), 1u);
  EXPECT_EQ(r.readings[0]["timestamp"], "2022-02-21T17:37:30");
  EXPECT_EQ(r.readings[0]["w_p"], 4408736);
  EXPECT_EQ(r.readings[0]["obis"]["1.0.1.8.2.255"], 814817);
  EXPECT_EQ(r.readings[0]["p_n"], -17);
  EXPECT_EQ(layout_of(wire, true), "obis-flat");
}

TEST(E450, MissingBlockIsRejected) {
  DateTime t;
  Bytes apdu = cipher(e450_flat_body(t), params("LGZ", 6, 0x30));
  Bytes blocks = hdlc_gbt_frames(apdu, 40);
  // Remove the second HDLC frame (block 2).
  size_t first = 1 + ((blocks[1] & 7) << 8 | blocks[2]) + 1;
  size_t second = 1 + ((blocks[first + 1] & 7) << 8 | blocks[first + 2]) + 1;
  Bytes wire(blocks.begin(), blocks.begin() + static_cast<long>(first));
  wire.insert(wire.end(), blocks.begin() + static_cast<long>(first + second), blocks.end());
  Result r = decode(wire, true);
  EXPECT_TRUE(r.readings.empty());
  ASSERT_FALSE(r.errors.empty());
  EXPECT_EQ(r.errors[0], Error::kGbtBlockMissing);
  EXPECT_EQ(p1::stage_of(r.errors[0]), p1::Stage::kTransport);
}

TEST(E450, RepeatedBlockIsRejectedAndNextTransferDecodes) {
  DateTime t;
  Bytes apdu = cipher(e450_flat_body(t), params("LGZ", 7, 0x30));
  Bytes blocks = hdlc_gbt_frames(apdu, 40);
  size_t first = 1 + ((blocks[1] & 7) << 8 | blocks[2]) + 1;
  size_t second = 1 + ((blocks[first + 1] & 7) << 8 | blocks[first + 2]) + 1;
  Bytes wire(blocks.begin(), blocks.begin() + static_cast<long>(first + second));
  wire.insert(wire.end(), blocks.begin() + static_cast<long>(first), blocks.begin() + static_cast<long>(first + second));
  wire.insert(wire.end(), blocks.begin() + static_cast<long>(first + second), blocks.end());
  Bytes next = hdlc_gbt_frames(cipher(e450_flat_body(t), params("LGZ", 8, 0x30)), 50);
  wire.insert(wire.end(), next.begin(), next.end());
  Result r = decode(wire, true);
  ASSERT_FALSE(r.errors.empty());
  EXPECT_EQ(r.errors[0], Error::kGbtBlockRepeated);
  ASSERT_EQ(r.readings.size(), 1u);  // the next transfer
}

TEST(E450, CaptureListThenValues) {
  DateTime t{2024, 3, 4, 1, 5, 6, 7, -60, 0};
  auto capture = [](std::initializer_list<uint8_t> obis) {
    Bytes s{0x02, 0x04};
    Bytes c = integer(0x12, 3);
    s.insert(s.end(), c.begin(), c.end());
    Bytes o = octets(Bytes(obis));
    s.insert(s.end(), o.begin(), o.end());
    s.insert(s.end(), {0x0F, 0x02, 0x12, 0x00, 0x00});
    return s;
  };
  Bytes list{0x01, 0x03};
  for (const Bytes& c : {capture({1, 0, 1, 8, 0, 255}), capture({1, 0, 2, 8, 0, 255}), capture({1, 0, 32, 7, 0, 255})}) {
    list.insert(list.end(), c.begin(), c.end());
  }
  Bytes values{0x02, 0x03};
  for (const Bytes& v : {integer(0x06, 111), integer(0x06, 222), integer(0x12, 230)}) values.insert(values.end(), v.begin(), v.end());
  Bytes flat = notification(&t, {octets(t.encode()), list, integer(0x06, 111), integer(0x06, 222), integer(0x12, 230)});
  Bytes nested = notification(&t, {octets(t.encode()), list, values});
  for (const Bytes& body : {flat, nested}) {
    Bytes wire = hdlc_frames(cipher(body, params("LGZ", 9)));
    Result r = decode(wire);
    ASSERT_EQ(r.readings.size(), 1u);
    EXPECT_EQ(r.readings[0]["w_p"], 111);
    EXPECT_EQ(r.readings[0]["w_n"], 222);
    EXPECT_EQ(r.readings[0]["u1"], 230);
    EXPECT_EQ(r.readings[0]["timestamp"], "2024-03-04T05:06:07+01:00");
    EXPECT_EQ(layout_of(wire), "capture-list");
  }
}

// ---- Kamstrup: flat pairs with B-field 1 ----------------------------------

TEST(Kamstrup, ChannelOneRegistersFillGatewayKeys) {
  DateTime t;
  Bytes body = notification(&t, {octets(t.encode()), octets(Bytes{1, 1, 1, 8, 0, 255}), integer(0x06, 42),
                                 octets(Bytes{1, 1, 32, 7, 0, 255}), integer(0x12, 229)});
  Result r = decode(mbus_frames(cipher(body, params("KAM", 2, 0x30))), true);
  ASSERT_EQ(r.readings.size(), 1u);
  EXPECT_EQ(r.readings[0]["w_p"], 42);
  EXPECT_EQ(r.readings[0]["u1"], 229);
  EXPECT_EQ(r.readings[0]["obis"]["1.1.1.8.0.255"], 42);
}

// ---- Energienetze Steiermark: bare APDU, DSMR inside ------------------------

std::string steiermark_text() {
  return dsmr_telegram("EST5\\253717584_A", {"1-3:0.2.8(50)", "0-0:1.0.0(240115080910W)", "1-0:1.8.0(000123.456*kWh)",
                                             "1-0:1.7.0(00001.234*kW)", "1-0:2.8.0(000000.001*kWh)",
                                             "1-0:3.8.0(000007.000*kvarh)", "1-0:32.7.0(231.4*V)",
                                             "0-0:96.1.0(1234567890)"});
}

TEST(Steiermark, DsmrInsideBareApdu) {
  std::string text = steiermark_text();
  Bytes wire = cipher(Bytes(text.begin(), text.end()), params("SAG", 1234, 0x30));
  Bytes next = cipher(Bytes(text.begin(), text.end()), params("SAG", 1235, 0x30));
  Result r = decode(concat({{0x00, 0x42}, wire, next}), false);
  ASSERT_EQ(r.readings.size(), 2u);
  json& j = r.readings[0];
  EXPECT_EQ(j["timestamp"], "2024-01-15T08:09:10+01:00");
  EXPECT_EQ(j["w_p"], 123456);
  EXPECT_EQ(j["p_p"], 1234);
  EXPECT_EQ(j["w_n"], 1);
  EXPECT_EQ(j["u1"].get<double>(), 231.4);
  EXPECT_EQ(j["obis"]["1.0.3.8.0.255"], 7000);
  EXPECT_EQ(j["obis"]["1.3.0.2.8.255"], "50");
  EXPECT_EQ(j["meternumber"], "1234567890");
  EXPECT_EQ(j["tag_checked"], false);
  // With the authentication key the tag is verified too.
  Result checked = decode(wire, true);
  ASSERT_EQ(checked.readings.size(), 1u);
  EXPECT_EQ(checked.readings[0]["tag_checked"], true);
}

TEST(Steiermark, DsmrCrcMismatch) {
  std::string text = steiermark_text();
  text[text.find("123.456")] = '9';  // value changed, CRC not
  Result r = decode(cipher(Bytes(text.begin(), text.end()), params("SAG", 1, 0x30)));
  EXPECT_TRUE(r.readings.empty());
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0], Error::kDsmrCrc);
}

// ---- Salzburg-style bare plaintext notifications ----------------------------

TEST(BarePlaintext, UnencryptedNotificationsBackToBack) {
  p1enc::DateTime t{2022, 11, 12, 6, 16, 54, 0, -60, 0};
  std::vector<Register> regs = {{{1, 0, 32, 7, 0, 255}, 0x12, 2292, -1, 35}, {{1, 0, 1, 8, 0, 255}, 0x06, 1327456, 0, 30}};
  Bytes one = ksm_west_notification(t, regs, "1KFM0200234804", "KFM1200200234804", 1);
  Bytes two = ksm_west_notification(t, regs, "1KFM0200234804", "KFM1200200234804", 2);
  for (size_t chunk : {size_t(0), size_t(1), size_t(17)}) {
    // A meter that sends in the clear has no key configured.
    p1::MeterStream stream(nullptr);
    auto outcomes = p1test::run_stream(stream, concat({one, two}), chunk);
    ASSERT_EQ(p1test::count_readings(outcomes), 2u) << chunk;
    EXPECT_EQ(json::parse(outcomes[1].json)["u1"].get<double>(), 229.2);
  }
  // With a key configured they are refused (injection), unless allowed.
  Result keyed = decode(concat({one, two}));
  EXPECT_TRUE(keyed.readings.empty());
  EXPECT_EQ(keyed.errors, (std::vector<Error>{Error::kNotEncrypted, Error::kNotEncrypted}));
  p1test::KeyedStream allowed;
  allowed.stream.decoder().set_allow_plaintext(true);
  EXPECT_EQ(p1test::count_readings(p1test::run_stream(allowed.stream, concat({one, two}))), 2u);
}

// ---- Sagemcom T210-D: 257-byte first frame announced as 1 -------------------

TEST(T210D, LengthQuirkIsAcceptedWhenChecksumHolds) {
  p1enc::EvnValues v = p1test::evn_values(4);
  v.signed_power_factor = true;
  v.power_factor_milli = -990;
  Bytes apdu = cipher(evn_notification(v), params("SAG", 4));
  ASSERT_GE(apdu.size(), 252u);
  Bytes wire = mbus_frames_t210d(apdu);
  ASSERT_EQ(wire[1], 0x01);
  Result r = decode(wire);
  ASSERT_EQ(r.readings.size(), 1u);
  EXPECT_EQ(r.readings[0]["phi"].get<double>(), -0.99);
  EXPECT_EQ(r.readings[0]["w_p"], 1000028);
}

TEST(T210D, BrokenQuirkFrameIsStillRejected) {
  Bytes apdu = cipher(evn_notification(p1test::evn_values(5)), params("SAG", 5));
  Bytes wire = mbus_frames_t210d(apdu);
  wire[100] ^= 0x01;
  Bytes good = p1test::evn_wire(6);
  Result r = decode(concat({wire, good}));
  ASSERT_EQ(r.readings.size(), 1u);
  EXPECT_EQ(r.readings[0]["w_p"], 1000042);
  ASSERT_FALSE(r.errors.empty());
  EXPECT_EQ(r.errors[0], Error::kMbusChecksum);
}

// ---- Mixed framings on one stream -------------------------------------------

TEST(MixedStream, MbusAndHdlcTelegramsInOneCapture) {
  DateTime t;
  Bytes hdlc = hdlc_frames(cipher(wiener_body(8, t), params("ISK", 20)));
  Bytes mbus = p1test::evn_wire(9);
  Result r = decode(concat({mbus, {0xFF, 0x7E, 0x7E}, hdlc, p1test::evn_wire(21)}));
  ASSERT_EQ(r.readings.size(), 3u);
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(r.readings[1]["w_p"], 1000008);
}

// ---- An unknown shape is reported, never guessed ------------------------------

TEST(UnknownShape, PositionalBodyOfWrongLengthIsNotGuessed) {
  DateTime t;
  Bytes body = notification(&t, {octets(t.encode()), integer(0x06, 1), integer(0x06, 2), integer(0x06, 3)});
  Result r = decode(hdlc_frames(cipher(body, params("ISK", 30))));
  EXPECT_TRUE(r.readings.empty());
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0], Error::kUnknownLayout);
  char shape[256];
  auto bytes = body;
  size_t n = p1::describe_body_shape(p1::ByteSpan(bytes.data() + 18, bytes.size() - 18), p1::CharSpan(shape, sizeof shape));
  EXPECT_EQ(std::string(shape, n), "structure(4){octet-string(12), double-long-unsigned x3}");
}

TEST(UnknownShape, ForcedProfileOverridesDetection) {
  DateTime t{2024, 7, 1, 1, 12, 0, 5, -120, 0x80};
  Bytes wire = hdlc_frames(cipher(wiener_body(1, t), params("XYZ", 10)));  // unknown manufacturer
  EXPECT_EQ(decode(wire).errors, std::vector<Error>{Error::kUnknownLayout});
  p1test::KeyedStream s;
  s.stream.decoder().set_layout(p1::find_body_layout("wiener-netze"));
  auto outcomes = p1test::run_stream(s.stream, wire);
  ASSERT_EQ(p1test::count_readings(outcomes), 1u);
  EXPECT_EQ(json::parse(outcomes[0].json)["w_p"], 1000001);
}

}  // namespace

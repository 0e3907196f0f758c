// Netz Oberoesterreich's AMIS meters (Siemens TD-3511/TD-3512): EN 13757-3
// frames with CI 0x5B, OMS security mode 5, data records, the access number,
// and the acknowledgement the meter waits for. Every bad input has its own
// error, and none yields a reading.
#include <gtest/gtest.h>

#include "p1/crypto/aes_gcm_bearssl.h"
#include "p1/crypto/aes_gcm_mbedtls.h"
#include "p1/probe/line_settings.h"
#include "p1/framing/mbus_acknowledger.h"
#include "p1/mbus/mbus_records.h"
#include "p1/output/output_format.h"
#include "support/testdata.h"

namespace {

using nlohmann::json;
using p1::Error;
using p1test::Bytes;

const uint8_t kSpecKey[16] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                              0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF};

Bytes spec_frame() { return p1enc::from_hex(p1test::load_telegram("at-netzooe-siemens-td3511-specsample")["hex"]); }

p1enc::AmisValues values(uint8_t second = 31) {
  p1enc::AmisValues v;
  v.time.year = 2024;
  v.time.month = 3;
  v.time.day = 14;
  v.time.weekday = 4;
  v.time.hour = 15;
  v.time.minute = 9;
  v.time.second = second;
  v.energy_import_wh = 1234567;
  v.energy_export_wh = 7654;
  v.reactive_import_varh = 1000;
  v.reactive_export_varh = 2000;
  v.power_import_w = 815;
  v.power_export_w = 0;
  v.reactive_power_import_var = 12;
  v.reactive_power_export_var = 3;
  v.inkasso_wh = -42;
  return v;
}

p1enc::OmsParams params(uint8_t access) {
  p1enc::OmsParams p;
  std::copy(kSpecKey, kSpecKey + 16, p.key);
  p.access_number = access;
  return p;
}

struct Amis {
  p1::BearSslAesGcm gcm;
  p1::MeterStream stream{&gcm};
  explicit Amis(bool key = true) {
    if (key) stream.decoder().set_key(p1::Aes128Key(kSpecKey));
  }
  std::vector<p1test::Outcome> run(const Bytes& wire) { return p1test::run_stream(stream, wire); }
  Error one(const Bytes& wire) {
    auto outcomes = run(wire);
    EXPECT_EQ(outcomes.size(), 1u);
    return outcomes.empty() ? Error::kNone : outcomes[0].event.error;
  }
};

TEST(Amis, SpecSampleJsonHasTheGatewayFieldsAndEveryRecord) {
  Amis m;
  auto outcomes = m.run(spec_frame());
  ASSERT_EQ(outcomes.size(), 1u);
  ASSERT_EQ(outcomes[0].event.kind, p1::StreamEvent::Kind::kReading) << p1::describe(outcomes[0].event.error);
  json got = json::parse(outcomes[0].json);
  EXPECT_EQ(got["timestamp"], "2014-07-01T08:12:31");  // local time, the telegram states no offset
  EXPECT_EQ(got["w_p"], 684544);
  EXPECT_EQ(got["w_n"], 129412);
  EXPECT_EQ(got["p_p"], 0);
  EXPECT_EQ(got["p_n"], 117);
  EXPECT_EQ(got["obis"].size(), 10u);
  EXPECT_EQ(got["obis"]["1.0.1.128.0.255"], 20);
  EXPECT_EQ(got["obis"]["1.0.3.8.1.255"], 357918);
  EXPECT_EQ(m.stream.reading().frame_counter, 0x0Du);  // the access number
  EXPECT_STREQ(m.stream.reading().layout, "en13757-3");
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(m.stream.reading().system_title), 3), "SAM");
}

TEST(Amis, PortableBackendDecryptsTheSpecSampleToo) {
  p1::BearSslPortableAesGcm gcm;
  p1::MeterStream stream(&gcm);
  stream.decoder().set_key(p1::Aes128Key(kSpecKey));
  auto outcomes = p1test::run_stream(stream, spec_frame(), 7);
  ASSERT_EQ(p1test::count_readings(outcomes), 1u);
}

TEST(Amis, EncoderFramesDecodeToTheirValues) {
  Amis m;
  auto outcomes = m.run(p1enc::oms_frame(p1enc::amis_records(values()), params(200)));
  ASSERT_EQ(outcomes.size(), 1u);
  ASSERT_EQ(outcomes[0].event.error, Error::kNone) << p1::describe(outcomes[0].event.error);
  json got = json::parse(outcomes[0].json);
  EXPECT_EQ(got["timestamp"], "2024-03-14T15:09:31");
  EXPECT_EQ(got["w_p"], 1234567);
  EXPECT_EQ(got["p_p"], 815);
  EXPECT_EQ(got["obis"]["1.0.4.8.1.255"], 2000);
  EXPECT_EQ(got["obis"]["1.0.4.7.0.255"], 3);
  EXPECT_EQ(got["obis"]["1.0.1.128.0.255"], -42);  // signed
}

// ---- negative: the exact error, counted, no reading -----------------------

TEST(AmisNegative, BadChecksum) {
  Bytes wire = spec_frame();
  wire[wire.size() - 2] ^= 0x01;
  Amis m;
  EXPECT_EQ(m.one(wire), Error::kMbusChecksum);
  EXPECT_EQ(m.stream.counters().readings, 0u);
}

TEST(AmisNegative, FrameShorterThanItsHeader) {
  Bytes body{0x53, 0xF0, 0x5B, 0x00, 0x00, 0x00, 0x00, 0x2D, 0x4C, 0x01};
  uint8_t sum = 0;
  for (uint8_t b : body) sum = static_cast<uint8_t>(sum + b);
  Bytes wire = {0x68, static_cast<uint8_t>(body.size()), static_cast<uint8_t>(body.size()), 0x68};
  for (uint8_t b : body) wire.push_back(b);
  wire.push_back(sum);
  wire.push_back(0x16);
  Amis m;
  Error e = m.one(wire);
  EXPECT_EQ(e, Error::kOmsHeaderTruncated);
  EXPECT_EQ(p1::stage_of(e), p1::Stage::kFraming);
}

TEST(AmisNegative, CutShortOnTheLine) {
  Bytes wire = spec_frame();
  wire.resize(wire.size() - 30);
  Amis m;
  EXPECT_EQ(m.one(wire), Error::kFrameTruncated);
}

TEST(AmisNegative, WrongKeySaysTheKeyIsWrong) {
  p1::BearSslAesGcm gcm;
  p1::MeterStream stream(&gcm);
  uint8_t wrong[16] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFE};
  stream.decoder().set_key(p1::Aes128Key(wrong));
  auto outcomes = p1test::run_stream(stream, spec_frame());
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].event.error, Error::kOmsWrongKey);
  EXPECT_EQ(p1::stage_of(Error::kOmsWrongKey), p1::Stage::kSecurity);
  EXPECT_NE(std::string(p1::describe(Error::kOmsWrongKey)).find("the key is wrong"), std::string::npos);
  EXPECT_EQ(stream.counters().decrypt_errors, 1u);
}

TEST(AmisNegative, WrongKeyNeverPassesForManyKeys) {
  for (int k = 1; k < 300; ++k) {
    p1::BearSslAesGcm gcm;
    p1::MeterStream stream(&gcm);
    uint8_t key[16];
    for (int i = 0; i < 16; ++i) key[i] = static_cast<uint8_t>(k * 31 + i * 7);
    stream.decoder().set_key(p1::Aes128Key(key));
    EXPECT_EQ(p1test::count_readings(p1test::run_stream(stream, spec_frame())), 0u) << k;
  }
}

TEST(AmisNegative, EncryptedWithoutAKey) {
  Amis m(false);
  EXPECT_EQ(m.one(spec_frame()), Error::kMissingKey);
}

TEST(AmisNegative, ReplayedAccessNumberIsRefusedAndCounted) {
  Amis m;
  Bytes first = p1enc::oms_frame(p1enc::amis_records(values(10)), params(7));
  Bytes next = p1enc::oms_frame(p1enc::amis_records(values(11)), params(8));
  Bytes wire = first;
  wire.insert(wire.end(), next.begin(), next.end());
  wire.insert(wire.end(), next.begin(), next.end());    // the same telegram again
  wire.insert(wire.end(), first.begin(), first.end());  // an older one
  auto outcomes = m.run(wire);
  ASSERT_EQ(outcomes.size(), 4u);
  EXPECT_EQ(outcomes[0].event.error, Error::kNone);
  EXPECT_EQ(outcomes[1].event.error, Error::kNone);
  EXPECT_EQ(outcomes[2].event.error, Error::kReplayedTelegram);
  EXPECT_EQ(outcomes[3].event.error, Error::kReplayedTelegram);
  EXPECT_EQ(m.stream.counters().frame_counter_repeats, 2u);
  EXPECT_EQ(m.stream.counters().readings, 2u);
}

TEST(AmisNegative, OlderClockIsAReplayWhateverTheAccessNumber) {
  Amis m;
  Bytes later = p1enc::oms_frame(p1enc::amis_records(values(20)), params(50));
  Bytes older = p1enc::oms_frame(p1enc::amis_records(values(10)), params(51));  // a stale telegram, renumbered
  Bytes wire = later;
  wire.insert(wire.end(), older.begin(), older.end());
  auto outcomes = m.run(wire);
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_EQ(outcomes[1].event.error, Error::kReplayedTelegram);
}

TEST(Amis, AccessNumberWrapsAndALaterClockFollowsARestart) {
  Amis m;
  Bytes wire;
  auto add = [&](uint8_t second, uint8_t access) {
    Bytes f = p1enc::oms_frame(p1enc::amis_records(values(second)), params(access));
    wire.insert(wire.end(), f.begin(), f.end());
  };
  add(1, 254);
  add(2, 255);
  add(3, 0);    // wrapped
  add(4, 1);
  add(5, 100);  // restart or a gap: the clock moved on
  auto outcomes = m.run(wire);
  ASSERT_EQ(outcomes.size(), 5u);
  for (const auto& o : outcomes) EXPECT_EQ(o.event.error, Error::kNone) << p1::describe(o.event.error);
  EXPECT_EQ(m.stream.counters().frame_counter_repeats, 0u);
}

TEST(AmisNegative, UnencryptedWithAKeyConfiguredIsRefused) {
  p1enc::OmsParams p = params(9);
  p.mode = 0;
  Bytes wire = p1enc::oms_frame(p1enc::amis_records(values()), p);
  Amis m;
  EXPECT_EQ(m.one(wire), Error::kNotEncrypted);
  EXPECT_EQ(m.stream.counters().insecure_refused, 1u);
  // Without a key the same telegram is a reading (a meter that never encrypts).
  Amis open(false);
  EXPECT_EQ(open.one(wire), Error::kNone);
}

TEST(AmisNegative, UnsupportedSecurityMode) {
  Bytes wire = p1enc::oms_frame(p1enc::amis_records(values()), params(9));
  // configuration word: mode 7 instead of 5 (checksum recomputed)
  wire[4 + 3 + 11] = 0x07;
  uint8_t sum = 0;
  for (size_t i = 4; i < wire.size() - 2; ++i) sum = static_cast<uint8_t>(sum + wire[i]);
  wire[wire.size() - 2] = sum;
  Amis m;
  EXPECT_EQ(m.one(wire), Error::kOmsUnsupportedSecurity);
}

TEST(AmisNegative, MoreEncryptedBlocksAnnouncedThanSent) {
  Bytes records = p1enc::amis_records(values());
  p1enc::OmsParams p = params(9);
  p.encrypted_blocks = 5;
  Bytes full = p1enc::oms_frame(records, p);
  // Keep the header's "5 blocks" but send only four.
  records.resize(64);
  p.encrypted_blocks = 4;
  Bytes wire = p1enc::oms_frame(records, p);
  wire[4 + 3 + 10] = full[4 + 3 + 10];
  uint8_t sum = 0;
  for (size_t i = 4; i < wire.size() - 2; ++i) sum = static_cast<uint8_t>(sum + wire[i]);
  wire[wire.size() - 2] = sum;
  Amis m;
  EXPECT_EQ(m.one(wire), Error::kOmsEncryptedTruncated);
}

// Records in the clear (mode 0, no key) to test the record parser's errors.
Error plain_records(Bytes records) {
  p1enc::OmsParams p = params(1);
  p.mode = 0;
  Amis m(false);
  return m.one(p1enc::oms_frame(records, p));
}

TEST(AmisNegative, TruncatedRecord) {
  EXPECT_EQ(plain_records({0x2F, 0x2F, 0x04, 0x03, 0x00, 0x72}), Error::kMbusRecordTruncated);
  EXPECT_EQ(plain_records({0x2F, 0x2F, 0x84}), Error::kMbusRecordTruncated);        // DIFE missing
  EXPECT_EQ(plain_records({0x2F, 0x2F, 0x04, 0xFB}), Error::kMbusRecordTruncated);  // true VIF missing
  EXPECT_EQ(p1::stage_of(Error::kMbusRecordTruncated), p1::Stage::kApdu);
}

TEST(AmisNegative, UnknownVif) {
  EXPECT_EQ(plain_records({0x2F, 0x2F, 0x04, 0x6F, 1, 0, 0, 0}), Error::kMbusUnknownVif);        // reserved
  EXPECT_EQ(plain_records({0x2F, 0x2F, 0x04, 0xFB, 0x7A, 1, 0, 0, 0}), Error::kMbusUnknownVif);  // not in table FB
  EXPECT_EQ(plain_records({0x2F, 0x2F, 0x04, 0xFD, 0x7E, 1, 0, 0, 0}), Error::kMbusUnknownVif);  // not in table FD
}

TEST(AmisNegative, MalformedRecords) {
  Bytes eleven{0x2F, 0x2F, 0x84};
  for (int i = 0; i < 10; ++i) eleven.push_back(0x80);
  eleven.insert(eleven.end(), {0x00, 0x03, 1, 0, 0, 0});
  EXPECT_EQ(plain_records(eleven), Error::kMbusRecordMalformed);                                 // 11 DIFEs
  EXPECT_EQ(plain_records({0x2F, 0x2F, 0x0C, 0x03, 0x12, 0x3A, 0, 0}), Error::kMbusRecordMalformed);  // A is no BCD digit
  EXPECT_EQ(plain_records({0x2F, 0x2F, 0x3F, 0x03}), Error::kMbusRecordMalformed);                // reserved DIF
}

TEST(AmisRecords, TenDifesWithHugeStorageNumbersAreSkipped) {
  // Found by fuzz_mbus_records: the storage number's bits past 32 were
  // shifted out of range. They saturate now, and no OBIS code takes them.
  Bytes ten{0x2F, 0x2F, 0x84};
  for (int i = 0; i < 9; ++i) ten.push_back(0x8F);
  ten.push_back(0x0F);
  ten.insert(ten.end(), {0x03, 1, 0, 0, 0, 0x04, 0x03, 7, 0, 0, 0});
  EXPECT_EQ(plain_records(ten), Error::kNone);
}

TEST(AmisNegative, InvalidDateTime) {
  // Type F with the IV bit set: the meter says its clock is invalid.
  EXPECT_EQ(plain_records({0x2F, 0x2F, 0x04, 0x6D, 0x8C, 0x08, 0xC1, 0x17}), Error::kDateTimeInvalid);
  // Month 13.
  EXPECT_EQ(plain_records({0x2F, 0x2F, 0x06, 0x6D, 0x1F, 0x0C, 0x08, 0xC1, 0x1D, 0x00}), Error::kDateTimeInvalid);
}

// ---- the record decoder on codings the spec sample does not use -----------

json records_json(Bytes records) {
  p1::Reading reading;
  char maker[3] = {'X', 'Y', 'Z'};
  Error e = p1::decode_mbus_records(p1::MutableByteSpan(records.data(), records.size()), maker, reading);
  EXPECT_EQ(e, Error::kNone) << p1::describe(e);
  char buffer[4096];
  auto n = p1::format_json(reading, p1::CharSpan(buffer, sizeof buffer));
  return n ? json::parse(std::string(buffer, *n)) : json();
}

TEST(AmisRecords, CodingsFromTheDif) {
  json j = records_json({
      0x0C, 0x06, 0x78, 0x56, 0x34, 0x12,        // 8-digit BCD, kWh: 12345678 kWh
      0x02, 0x2A, 0x10, 0x27,                    // 16-bit integer, 0.1 W: 1000.0 W
      0x0A, 0xFD, 0x48, 0x30, 0xF2,              // 4-digit BCD, negative (F), 0.1 V: -23.0 V
      0x05, 0xFD, 0x59, 0x00, 0x00, 0x20, 0x40,  // real 2.5, 10^-3 A
      0x84, 0x20, 0x03, 0x01, 0, 0, 0,           // tariff 2
      0x44, 0x03, 0x02, 0, 0, 0,                 // storage 1 (DIF bit 6)
      0x2F, 0x2F,
      0x04, 0x13, 0x05, 0, 0, 0,                 // volume: no OBIS code, skipped
      0x0F, 0x01, 0x02,                          // manufacturer data to the end
  });
  EXPECT_EQ(j["obis"]["1.0.1.8.0.255"], 12345678000);
  EXPECT_EQ(j["obis"]["1.0.1.7.0.255"], 1000.0);
  EXPECT_EQ(j["obis"]["1.0.12.7.0.255"], -23.0);
  EXPECT_EQ(j["obis"]["1.0.11.7.0.255"], 0.0025);
  EXPECT_EQ(j["obis"]["1.0.1.8.2.255"], 1);
  EXPECT_EQ(j["obis"]["1.0.1.8.0.1"], 2);
  EXPECT_EQ(j["obis"].size(), 6u);
}

TEST(AmisRecords, RealsAsSevenSignificantDigits) {
  json j = records_json({
      0x05, 0x2B, 0xCD, 0xCC, 0x4C, 0x3E,        // 0.2f W (0.200000003) -> 0.2
      0x05, 0xAB, 0x3C, 0x00, 0x24, 0x74, 0x49,  // 1e6f W export -> 1000000
      0x05, 0xFB, 0x14, 0x00, 0x00, 0x20, 0xC1,  // -10.0f var
  });
  EXPECT_EQ(j["obis"]["1.0.1.7.0.255"], 0.2);
  EXPECT_EQ(j["obis"]["1.0.2.7.0.255"], 1000000);
  EXPECT_EQ(j["obis"]["1.0.3.7.0.255"], -10);
}

TEST(AmisRecords, UnknownManufacturerRecordsAreSkippedNotGuessed) {
  json j = records_json({0x04, 0x83, 0xFF, 0x04, 0x14, 0, 0, 0});  // SAM's 1.128.0, but maker XYZ
  EXPECT_FALSE(j.contains("obis") && j["obis"].contains("1.0.1.128.0.255"));
}

// ---- acknowledgements ------------------------------------------------------

TEST(AmisAck, SearchAndTelegramsAddressedToTheReaderAreAcknowledged) {
  p1::MbusAcknowledger ack;
  Bytes nke = p1enc::mbus_snd_nke(0xF0);
  EXPECT_EQ(nke, (Bytes{0x10, 0x40, 0xF0, 0x30, 0x16}));  // the specification's bytes
  EXPECT_TRUE(ack.feed(p1::ByteSpan(nke.data(), nke.size())));
  Bytes frame = spec_frame();
  EXPECT_TRUE(ack.feed(p1::ByteSpan(frame.data(), frame.size())));
  p1enc::OmsParams p = params(3);
  p.control = 0x73;  // FCB set
  Bytes toggled = p1enc::oms_frame(p1enc::amis_records(values()), p);
  EXPECT_TRUE(ack.feed(p1::ByteSpan(toggled.data(), toggled.size())));
  ASSERT_EQ(p1::MbusAcknowledger::reply().size(), 1u);
  EXPECT_EQ(p1::MbusAcknowledger::reply()[0], 0xE5);
}

TEST(AmisAck, NothingElseIsAcknowledged) {
  p1::MbusAcknowledger ack;
  auto feed = [&](const Bytes& b) { return ack.feed(p1::ByteSpan(b.data(), b.size())); };
  EXPECT_FALSE(feed(p1enc::mbus_snd_nke(0xFF)));                   // broadcast nobody answers
  EXPECT_FALSE(feed(p1enc::mbus_snd_nke(0x01)));                   // another slave
  EXPECT_TRUE(feed(p1enc::mbus_snd_nke(0xFE)));                    // broadcast every slave answers
  EXPECT_FALSE(feed(Bytes{0x10, 0x40, 0xF0, 0x31, 0x16}));         // bad checksum
  EXPECT_FALSE(feed(Bytes{0x10, 0x40, 0xF0, 0x30, 0x17}));         // bad stop byte
  EXPECT_FALSE(feed(Bytes{0x10, 0x5B, 0xF0, 0x4B, 0x16}));         // REQ_UD2 wants data, not E5
  Bytes bad = spec_frame();
  bad[bad.size() - 2] ^= 1;
  EXPECT_FALSE(feed(bad));                                          // checksum
  p1enc::OmsParams p = params(3);
  p.address = 0x05;
  EXPECT_FALSE(feed(p1enc::oms_frame(p1enc::amis_records(values()), p)));  // to another address
  Bytes evn = p1enc::mbus_frames(Bytes(40, 0x11));                  // EVN: A = FF
  EXPECT_FALSE(feed(evn));
}

TEST(AmisAck, EchoedAcksAndNoiseDoNotConfuseTheStream) {
  // An IR head echoes our E5s; noise before a frame (0x68, 0x10) must not
  // swallow the frame's start.
  Bytes wire{0xE5};
  Bytes nke = p1enc::mbus_snd_nke();
  wire.insert(wire.end(), nke.begin(), nke.end());
  wire.insert(wire.end(), {0xE5, 0x68, 0x10, 0x68});
  Bytes frame = spec_frame();
  wire.insert(wire.end(), frame.begin(), frame.end());
  wire.push_back(0xE5);
  for (size_t chunk : {size_t(0), size_t(1), size_t(5)}) {
    Amis m;
    m.stream.set_acknowledge(true);
    size_t replies = 0;
    std::vector<p1test::Outcome> outcomes;
    for (size_t at = 0; at < wire.size();) {
      size_t n = chunk == 0 ? wire.size() : std::min(chunk, wire.size() - at);
      p1::ByteSpan in(wire.data() + at, n);
      while (p1::StreamEvent e = m.stream.push(in)) outcomes.push_back({e, {}});
      replies += m.stream.take_reply().size();
      at += n;
    }
    // The search and the telegram; read in one piece, the meter waits only
    // for the last frame's E5, and one is sent.
    size_t expected = chunk == 0 ? 1 : 2;
    EXPECT_EQ(replies, expected) << chunk;
    EXPECT_EQ(p1test::count_readings(outcomes), 1u) << chunk;
    EXPECT_EQ(m.stream.counters().acknowledgements, expected);
  }
}

TEST(AmisAck, OffByDefault) {
  Amis m;
  EXPECT_FALSE(m.stream.acknowledging());
  Bytes nke = p1enc::mbus_snd_nke();
  p1::ByteSpan in(nke.data(), nke.size());
  while (m.stream.push(in)) {
  }
  EXPECT_TRUE(m.stream.take_reply().empty());
}

TEST(AmisAck, TheAmisLineSettingIsTheOneThatAcknowledges) {
  size_t acknowledging = 0;
  for (const p1::LineSetting& line : p1::austrian_line_settings()) {
    if (line.acknowledge) {
      ++acknowledging;
      EXPECT_EQ(line.baud, 9600u);
      EXPECT_STREQ(line.format, "8E1");
    }
  }
  EXPECT_EQ(acknowledging, 1u);
}

}  // namespace

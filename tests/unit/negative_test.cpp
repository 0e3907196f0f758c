// Every way a telegram can fail produces its own error, in the right stage,
// and never a reading.
#include <gtest/gtest.h>

#include "support/evn_fixture.h"

namespace {

using p1::Error;
using p1::Stage;
using p1test::Bytes;

// Decodes an APDU directly (no framing) and returns the error.
Error decode_apdu(Bytes apdu, bool with_key = true, bool with_auth_key = false) {
  p1::BearSslAesGcm gcm;
  p1::StreamCounters counters;
  p1::TelegramDecoder decoder(&gcm, counters);
  if (with_key) decoder.set_key(p1::Aes128Key(p1test::kTestKey));
  if (with_auth_key) decoder.set_auth_key(p1::AuthKey(p1test::kTestAuthKey));
  p1::Reading reading;
  return decoder.decode(p1::MutableByteSpan(apdu.data(), apdu.size()), reading);
}

Bytes evn_apdu(uint8_t sc = 0x20) {
  return p1enc::cipher(p1enc::evn_notification(p1test::evn_values(7)), p1test::cipher_params(7, sc));
}

TEST(Negative, GoodTelegramDecodes) {
  EXPECT_EQ(decode_apdu(evn_apdu()), Error::kNone);
  EXPECT_EQ(decode_apdu(evn_apdu(0x21)), Error::kNone);
  EXPECT_EQ(decode_apdu(evn_apdu(0x30), true, true), Error::kNone);
  EXPECT_EQ(decode_apdu(evn_apdu(0x31), true, true), Error::kNone);
}

TEST(Negative, WrongKeyWithoutAuthentication) {
  Bytes apdu = evn_apdu();
  p1::BearSslAesGcm gcm;
  p1::StreamCounters counters;
  p1::TelegramDecoder decoder(&gcm, counters);
  uint8_t wrong[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  decoder.set_key(p1::Aes128Key(wrong));
  p1::Reading reading;
  Error e = decoder.decode(p1::MutableByteSpan(apdu.data(), apdu.size()), reading);
  EXPECT_EQ(e, Error::kWrongKey);
  EXPECT_EQ(p1::stage_of(e), Stage::kSecurity);
  EXPECT_STREQ(p1::describe(e), "decryption produced no valid APDU: wrong key?");
  EXPECT_EQ(counters.decrypt_errors, 1u);
}

TEST(Negative, WrongKeyIsDetectedForManyKeys) {
  // Garbage plaintext must never pass as a reading.
  for (int k = 0; k < 300; ++k) {
    Bytes apdu = evn_apdu();
    p1::BearSslAesGcm gcm;
    p1::StreamCounters counters;
    p1::TelegramDecoder decoder(&gcm, counters);
    uint8_t key[16];
    for (int i = 0; i < 16; ++i) key[i] = static_cast<uint8_t>(k * 31 + i * 7);
    decoder.set_key(p1::Aes128Key(key));
    p1::Reading reading;
    Error e = decoder.decode(p1::MutableByteSpan(apdu.data(), apdu.size()), reading);
    ASSERT_NE(e, Error::kNone) << k;
  }
}

TEST(Negative, FlippedCiphertextWithoutAuthenticationIsNotSilentlyWrong) {
  // Without a tag a flipped ciphertext bit flips the same plaintext bit; when
  // it hits structure the decoder must reject it. (A flipped value bit cannot
  // be detected without authentication - which is why 0x30 exists.)
  Bytes apdu = evn_apdu();
  apdu[18 + 20] ^= 0x80;  // lands in the A-XDR structure header area
  Error e = decode_apdu(apdu);
  EXPECT_NE(e, Error::kNone);
}

TEST(Negative, FlippedCiphertextWithAuthenticationFailsTag) {
  Bytes apdu = evn_apdu(0x30);
  apdu[60] ^= 0x01;
  Error e = decode_apdu(apdu, true, true);
  EXPECT_EQ(e, Error::kAuthTagMismatch);
  EXPECT_EQ(p1::stage_of(e), Stage::kSecurity);
  EXPECT_STREQ(p1::describe(e), "authentication tag mismatch: wrong authentication key or tampered telegram");
}

TEST(Negative, WrongAuthenticationKeyFailsTag) {
  Bytes apdu = evn_apdu(0x30);
  p1::BearSslAesGcm gcm;
  p1::StreamCounters counters;
  p1::TelegramDecoder decoder(&gcm, counters);
  decoder.set_key(p1::Aes128Key(p1test::kTestKey));
  uint8_t wrong[16] = {};
  decoder.set_auth_key(p1::AuthKey(wrong));
  p1::Reading reading;
  EXPECT_EQ(decoder.decode(p1::MutableByteSpan(apdu.data(), apdu.size()), reading), Error::kAuthTagMismatch);
  EXPECT_EQ(counters.auth_errors, 1u);
  EXPECT_EQ(counters.readings, 0u);
}

TEST(Negative, AuthenticatedTelegramWithoutAuthKeyDecodesUnchecked) {
  Bytes apdu = evn_apdu(0x30);
  p1::BearSslAesGcm gcm;
  p1::StreamCounters counters;
  p1::TelegramDecoder decoder(&gcm, counters);
  decoder.set_key(p1::Aes128Key(p1test::kTestKey));
  p1::Reading reading;
  ASSERT_EQ(decoder.decode(p1::MutableByteSpan(apdu.data(), apdu.size()), reading), Error::kNone);
  EXPECT_FALSE(reading.tag_checked);
}

TEST(Negative, MissingKey) {
  Error e = decode_apdu(evn_apdu(), false);
  EXPECT_EQ(e, Error::kMissingKey);
  EXPECT_EQ(p1::stage_of(e), Stage::kSecurity);
}

TEST(Negative, UnsupportedSecurityControl) {
  for (uint8_t sc : {0x10, 0x00, 0x22, 0xA0, 0x60}) {
    Bytes apdu = evn_apdu();
    apdu[2 + 8 + 2] = sc;  // DB 08 title(8) 81 len SC
    EXPECT_EQ(decode_apdu(apdu), Error::kUnsupportedSecurity) << int(sc);
  }
}

TEST(Negative, NotACipheredApdu) {
  Bytes apdu = evn_apdu();
  apdu[0] = 0xC4;
  EXPECT_EQ(decode_apdu(apdu), Error::kNotCiphered);
}

TEST(Negative, TruncatedCipheredApdu) {
  Bytes apdu = evn_apdu();
  apdu.resize(apdu.size() - 1);
  Error e = decode_apdu(apdu);
  EXPECT_EQ(e, Error::kTelegramTruncated);
  EXPECT_EQ(p1::stage_of(e), Stage::kTransport);
  Bytes header_only(apdu.begin(), apdu.begin() + 6);
  EXPECT_EQ(decode_apdu(header_only), Error::kCipherHeaderTruncated);
}

TEST(Negative, PlaintextErrorsNameTheApduStage) {
  // With plaintext data-notifications (a meter without a key) the A-XDR
  // errors surface directly.
  Bytes plain = p1enc::evn_notification(p1test::evn_values(1));
  Bytes truncated(plain.begin(), plain.end() - 3);
  EXPECT_EQ(decode_apdu(truncated, false), Error::kApduTruncated);
  Bytes trailing = plain;
  trailing.push_back(0x00);
  EXPECT_EQ(decode_apdu(trailing, false), Error::kAxdrTrailingBytes);
  Bytes unknown_type = plain;
  unknown_type[18 + 2 + 14] = 0x07;  // first register's OBIS tag -> undefined type 07
  EXPECT_EQ(p1::stage_of(decode_apdu(unknown_type, false)), Stage::kApdu);
  Bytes bad_time = plain;
  bad_time[6 + 2] = 13;  // month 13 in the header date-time
  EXPECT_EQ(decode_apdu(bad_time, false), Error::kDateTimeInvalid);
  Bytes not_notification = plain;
  not_notification[0] = 0x0E;
  EXPECT_EQ(decode_apdu(not_notification), Error::kNotCiphered);
}

TEST(Negative, UnknownLayoutIsReportedNotGuessed) {
  // Valid A-XDR, but an array of integers matches no layout.
  Bytes plain{0x0F, 0, 0, 0, 1, 0x00, 0x01, 0x03, 0x11, 1, 0x11, 2, 0x11, 3};
  Error e = decode_apdu(plain, false);
  EXPECT_EQ(e, Error::kUnknownLayout);
  EXPECT_EQ(p1::stage_of(e), Stage::kBody);
}

TEST(Negative, TooDeepNesting) {
  Bytes plain{0x0F, 0, 0, 0, 1, 0x00};
  for (int i = 0; i < 20; ++i) plain.insert(plain.end(), {0x02, 0x01});
  plain.insert(plain.end(), {0x11, 0x05});
  EXPECT_EQ(decode_apdu(plain, false), Error::kAxdrTooDeep);
}

TEST(Negative, TooManyValues) {
  std::vector<p1enc::Register> regs;
  for (int i = 0; i < 60; ++i) regs.push_back({{1, 0, 1, 8, static_cast<uint8_t>(i), 255}, 0x06, i, 0, 30});
  Bytes plain = p1enc::ksm_west_notification(p1enc::DateTime(), regs, "1KFM", "KFM1");
  Error e = decode_apdu(plain, false);
  EXPECT_EQ(e, Error::kTooManyValues);
  EXPECT_EQ(p1::stage_of(e), Stage::kBody);
}

TEST(Negative, ReplayedTelegramIsRejectedAndGapsCounted) {
  p1test::KeyedStream s;
  Bytes wire;
  for (uint32_t fc : {5u, 6u, 6u, 9u, 4u, 10u}) {
    Bytes t = p1test::evn_wire(fc);
    wire.insert(wire.end(), t.begin(), t.end());
  }
  auto outcomes = p1test::run_stream(s.stream, wire);
  ASSERT_EQ(outcomes.size(), 6u);
  EXPECT_EQ(p1test::count_readings(outcomes), 4u);  // 5, 6, 9, 10
  EXPECT_EQ(outcomes[2].event.error, Error::kReplayedTelegram);
  EXPECT_EQ(outcomes[4].event.error, Error::kReplayedTelegram);
  EXPECT_EQ(p1::stage_of(Error::kReplayedTelegram), Stage::kSecurity);
  EXPECT_EQ(s.stream.counters().frame_counter_repeats, 2u);
  EXPECT_EQ(s.stream.counters().frame_counter_gaps, 2u);  // 7 and 8 missing
}

TEST(Negative, RepeatedStepBacksAreNeverAccepted) {
  // The old decoder resynced after three step-backs in a row, so an old
  // telegram sent three times was published on the third. Counters that go
  // back (with the old telegrams' old clocks) stay refused however often.
  p1test::KeyedStream s;
  Bytes wire;
  for (uint32_t fc : {1000u, 1u, 2u, 3u, 4u, 1001u}) {
    Bytes t = p1test::evn_wire(fc);
    wire.insert(wire.end(), t.begin(), t.end());
  }
  auto outcomes = p1test::run_stream(s.stream, wire);
  ASSERT_EQ(outcomes.size(), 6u);
  EXPECT_EQ(p1test::count_readings(outcomes), 2u);  // 1000 and 1001
  for (size_t i = 1; i <= 4; ++i) EXPECT_EQ(outcomes[i].event.error, Error::kReplayedTelegram) << i;
  EXPECT_EQ(s.stream.counters().frame_counter_repeats, 4u);
  EXPECT_EQ(s.stream.counters().counter_restarts, 0u);
}

TEST(Negative, EveryErrorHasStageAndMessage) {
  for (int i = 1; i <= static_cast<int>(Error::kMbusUnknownVif); ++i) {  // kMbusUnknownVif is last
    auto e = static_cast<Error>(i);
    EXPECT_NE(p1::stage_of(e), Stage::kNone) << i;
    EXPECT_STRNE(p1::describe(e), "unknown error") << i;
  }
}

}  // namespace

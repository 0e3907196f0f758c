// What the decoder refuses although it could decode it: a stripped
// authentication tag, plaintext injected into an encrypted meter's line, and
// replayed telegrams (however often they come). And the one exception the
// meter shows itself: a frame counter restart with a later clock.
#include <gtest/gtest.h>

#include "support/evn_fixture.h"

namespace {

using p1::Error;
using p1::Stage;
using p1test::Bytes;

p1enc::DateTime at(uint8_t day, uint8_t hour, uint8_t minute = 0, uint8_t second = 0) {
  p1enc::DateTime t;
  t.day = day;
  t.hour = hour;
  t.minute = minute;
  t.second = second;
  return t;
}

// A ciphered EVN APDU with frame counter `fc` and meter clock `time`.
Bytes apdu_at(uint32_t fc, const p1enc::DateTime& time, uint8_t sc = 0x20, char maker = 'K') {
  p1enc::EvnValues v = p1test::evn_values(fc);
  v.time = time;
  p1enc::CipherParams params = p1test::cipher_params(fc, sc);
  params.system_title[0] = static_cast<uint8_t>(maker);
  return p1enc::cipher(p1enc::evn_notification(v), params);
}

Bytes wire_at(uint32_t fc, const p1enc::DateTime& time, uint8_t sc = 0x20) {
  return p1enc::mbus_frames(apdu_at(fc, time, sc));
}

// The attack: a captured SC 0x30 APDU rewritten to SC 0x20, its tag cut off
// and its length fixed. Ciphertext and frame counter are the meter's own.
Bytes strip_tag(const Bytes& apdu) {
  uint32_t length = 0;
  size_t used = p1::read_axdr_length(p1::ByteSpan(apdu.data() + 10, apdu.size() - 10), length);
  EXPECT_NE(used, 0u);
  Bytes body(apdu.begin() + static_cast<long>(10 + used), apdu.end() - 12);  // SC FC ciphertext
  EXPECT_EQ(body[0], 0x30);
  body[0] = 0x20;
  Bytes out(apdu.begin(), apdu.begin() + 10);
  p1enc::put_length(out, body.size());
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

Error decode_with(p1::TelegramDecoder& decoder, Bytes apdu, p1::Reading& reading) {
  return decoder.decode(p1::MutableByteSpan(apdu.data(), apdu.size()), reading);
}

struct Decoder {
  p1::BearSslAesGcm gcm;
  p1::StreamCounters counters;
  p1::TelegramDecoder decoder{&gcm, counters};
  p1::Reading reading;
  Decoder(bool key, bool auth_key) {
    if (key) decoder.set_key(p1::Aes128Key(p1test::kTestKey));
    if (auth_key) decoder.set_auth_key(p1::AuthKey(p1test::kTestAuthKey));
  }
  Error decode(const Bytes& apdu) { return decode_with(decoder, apdu, reading); }
};

// ---- 1. Tag stripping ----------------------------------------------------

TEST(SecurityPolicy, StrippedTagIsRefusedWithAuthKey) {
  Bytes authenticated = apdu_at(7, at(1, 7), 0x30);
  Bytes stripped = strip_tag(authenticated);
  {
    // The stripped telegram is well-formed: without an authentication key it decodes.
    Decoder plain(true, false);
    ASSERT_EQ(plain.decode(stripped), Error::kNone);
  }
  Decoder d(true, true);
  Error e = d.decode(stripped);
  EXPECT_EQ(e, Error::kNotAuthenticated);
  EXPECT_EQ(p1::stage_of(e), Stage::kSecurity);
  EXPECT_STREQ(p1::describe(e),
               "telegram not authenticated although an authentication key is configured (or the meter sent "
               "authenticated telegrams before): tampered telegram or wrong meter setting");
  EXPECT_EQ(d.reading.count, 0u);
  EXPECT_EQ(d.counters.readings, 0u);
  EXPECT_EQ(d.counters.insecure_refused, 1u);
  // The original still decodes, tag verified.
  EXPECT_EQ(d.decode(authenticated), Error::kNone);
  EXPECT_TRUE(d.reading.tag_checked);
}

TEST(SecurityPolicy, UnauthenticatedTelegramRefusedWithAuthKeyOnTheWire) {
  p1test::KeyedStream s(true);
  Bytes wire = wire_at(1, at(1, 1), 0x30);
  Bytes plain_sc = wire_at(2, at(1, 2), 0x20);
  wire.insert(wire.end(), plain_sc.begin(), plain_sc.end());
  auto outcomes = p1test::run_stream(s.stream, wire);
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_EQ(outcomes[0].event.kind, p1::StreamEvent::Kind::kReading);
  EXPECT_EQ(outcomes[1].event.kind, p1::StreamEvent::Kind::kError);
  EXPECT_EQ(outcomes[1].event.error, Error::kNotAuthenticated);
}

TEST(SecurityPolicy, MeterThatAuthenticatedCannotBeDowngradedWithoutAuthKey) {
  // No authentication key configured: tags are not checked, but a meter that
  // sent authenticated telegrams does not stop doing so.
  Decoder d(true, false);
  ASSERT_EQ(d.decode(apdu_at(5, at(1, 5), 0x30)), Error::kNone);
  EXPECT_FALSE(d.reading.tag_checked);
  EXPECT_EQ(d.decode(strip_tag(apdu_at(6, at(1, 6), 0x30))), Error::kNotAuthenticated);
  EXPECT_EQ(d.decode(apdu_at(7, at(1, 7), 0x20)), Error::kNotAuthenticated);
  EXPECT_EQ(d.counters.insecure_refused, 2u);
  // Another meter (another system title) that never authenticated is not affected.
  EXPECT_EQ(d.decode(apdu_at(8, at(1, 8), 0x20, 'X')), Error::kNone);
  // And the authenticating meter goes on.
  EXPECT_EQ(d.decode(apdu_at(9, at(1, 9), 0x30)), Error::kNone);
}

TEST(SecurityPolicy, MeterWithoutAuthenticationStillDecodes) {
  Decoder d(true, false);
  for (uint32_t fc = 1; fc <= 3; ++fc) EXPECT_EQ(d.decode(apdu_at(fc, at(1, static_cast<uint8_t>(fc)))), Error::kNone);
}

// ---- 3. Plaintext injection ----------------------------------------------

Bytes plaintext_notification(uint32_t n) { return p1enc::evn_notification(p1test::evn_values(n)); }

TEST(SecurityPolicy, PlaintextIsRefusedWhenAKeyIsConfigured) {
  for (bool auth_key : {false, true}) {
    Decoder d(true, auth_key);
    Error e = d.decode(plaintext_notification(1));
    EXPECT_EQ(e, Error::kNotEncrypted) << auth_key;
    EXPECT_EQ(p1::stage_of(e), Stage::kSecurity);
    EXPECT_EQ(d.reading.count, 0u);
    EXPECT_EQ(d.counters.readings, 0u);
    EXPECT_EQ(d.counters.insecure_refused, 1u);
  }
  EXPECT_STREQ(p1::describe(Error::kNotEncrypted),
               "unencrypted telegram although a key is configured: injected telegram, or a meter that sends in the "
               "clear (then allow plaintext for it)");
}

TEST(SecurityPolicy, PlaintextInjectedIntoAnEncryptedStreamIsRefused) {
  p1test::KeyedStream s;
  Bytes wire = p1test::evn_wire(1);
  Bytes injected = p1enc::mbus_frames(plaintext_notification(2));
  Bytes next = p1test::evn_wire(3);
  wire.insert(wire.end(), injected.begin(), injected.end());
  wire.insert(wire.end(), next.begin(), next.end());
  auto outcomes = p1test::run_stream(s.stream, wire);
  ASSERT_EQ(outcomes.size(), 3u);
  EXPECT_EQ(p1test::count_readings(outcomes), 2u);
  EXPECT_EQ(outcomes[1].event.error, Error::kNotEncrypted);
}

TEST(SecurityPolicy, PlaintextAllowedWhenOptedIn) {
  Decoder d(true, false);
  d.decoder.set_allow_plaintext(true);
  EXPECT_EQ(d.decode(plaintext_notification(1)), Error::kNone);
  EXPECT_EQ(d.reading.count, 13u);
  // Encrypted telegrams still decode, with their counter checked.
  EXPECT_EQ(d.decode(apdu_at(4, at(1, 4))), Error::kNone);
  EXPECT_EQ(d.decode(apdu_at(4, at(1, 4))), Error::kReplayedTelegram);
  // An authentication key asks for authentication, which plaintext lacks.
  Decoder authenticated(true, true);
  authenticated.decoder.set_allow_plaintext(true);
  EXPECT_EQ(authenticated.decode(plaintext_notification(1)), Error::kNotAuthenticated);
}

TEST(SecurityPolicy, PlaintextWithoutKeyDecodes) {
  Decoder d(false, false);
  EXPECT_EQ(d.decode(plaintext_notification(1)), Error::kNone);
  p1::StreamCounters counters;
  p1::TelegramDecoder no_crypto(nullptr, counters);
  p1::Reading reading;
  EXPECT_EQ(decode_with(no_crypto, plaintext_notification(2), reading), Error::kNone);
}

// ---- 2. Replays and counter restarts ---------------------------------------

TEST(SecurityPolicy, SameOldTelegramIsNeverAcceptedHoweverOften) {
  Decoder d(true, false);
  Bytes old = apdu_at(5, at(1, 5));
  ASSERT_EQ(d.decode(old), Error::kNone);
  ASSERT_EQ(d.decode(apdu_at(10, at(1, 10))), Error::kNone);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(d.decode(old), Error::kReplayedTelegram) << i;
    EXPECT_EQ(d.reading.count, 0u) << i;  // nothing of it to publish
  }
  EXPECT_EQ(d.counters.frame_counter_repeats, 5u);
  EXPECT_EQ(d.counters.readings, 2u);
  EXPECT_EQ(d.counters.counter_restarts, 0u);
}

TEST(SecurityPolicy, ReplayOnTheWireNeverYieldsAReading) {
  p1test::KeyedStream s;
  Bytes wire;
  Bytes old = wire_at(3, at(1, 3));
  for (const Bytes& t : {old, wire_at(4, at(1, 4)), old, old, old, old}) wire.insert(wire.end(), t.begin(), t.end());
  auto outcomes = p1test::run_stream(s.stream, wire);
  ASSERT_EQ(outcomes.size(), 6u);
  EXPECT_EQ(p1test::count_readings(outcomes), 2u);
  for (size_t i = 2; i < 6; ++i) {
    EXPECT_EQ(outcomes[i].event.kind, p1::StreamEvent::Kind::kError) << i;
    EXPECT_EQ(outcomes[i].event.error, Error::kReplayedTelegram) << i;
  }
}

TEST(SecurityPolicy, MeterRestartIsRecognisedByItsClock) {
  p1test::KeyedStream s;
  Bytes wire;
  for (const Bytes& t : {wire_at(1000, at(1, 10)), wire_at(1001, at(1, 10, 0, 5)), wire_at(1, at(1, 10, 2)),
                         wire_at(2, at(1, 10, 2, 5)), wire_at(3, at(1, 10, 2, 10))}) {
    wire.insert(wire.end(), t.begin(), t.end());
  }
  auto outcomes = p1test::run_stream(s.stream, wire);
  ASSERT_EQ(outcomes.size(), 5u);
  EXPECT_EQ(p1test::count_readings(outcomes), 5u);
  EXPECT_FALSE(outcomes[1].event.frame_counter_restart);
  EXPECT_TRUE(outcomes[2].event.frame_counter_restart);
  EXPECT_FALSE(outcomes[3].event.frame_counter_restart);
  EXPECT_EQ(s.stream.counters().counter_restarts, 1u);
  EXPECT_EQ(s.stream.counters().frame_counter_repeats, 0u);
}

TEST(SecurityPolicy, RestartRefusedWithOlderClockOrHighCounter) {
  Decoder d(true, false);
  ASSERT_EQ(d.decode(apdu_at(1000, at(2, 12))), Error::kNone);
  // Counter near zero, but the clock is from before: an old telegram.
  EXPECT_EQ(d.decode(apdu_at(1, at(1, 12))), Error::kReplayedTelegram);
  EXPECT_EQ(d.decode(apdu_at(2, at(2, 12))), Error::kReplayedTelegram);  // same second is not later
  // A later clock, but the counter is not near zero.
  EXPECT_EQ(d.decode(apdu_at(500, at(3, 12))), Error::kReplayedTelegram);
  EXPECT_FALSE(d.decoder.frame_counter_restarted());
  EXPECT_EQ(d.counters.counter_restarts, 0u);
  // The real restart.
  EXPECT_EQ(d.decode(apdu_at(3, at(3, 12))), Error::kNone);
  EXPECT_TRUE(d.decoder.frame_counter_restarted());
  EXPECT_EQ(d.decoder.restarted_from(), 1000u);
  EXPECT_EQ(d.counters.counter_restarts, 1u);
  // The restart telegram itself cannot be replayed.
  EXPECT_EQ(d.decode(apdu_at(3, at(3, 12))), Error::kReplayedTelegram);
  EXPECT_FALSE(d.decoder.frame_counter_restarted());
}

TEST(SecurityPolicy, TelegramsFromBeforeARestartCannotBeReplayedAfterIt) {
  Decoder d(true, false);
  Bytes before = apdu_at(999, at(1, 9));
  ASSERT_EQ(d.decode(before), Error::kNone);
  ASSERT_EQ(d.decode(apdu_at(1000, at(1, 10))), Error::kNone);
  ASSERT_EQ(d.decode(apdu_at(1, at(1, 11))), Error::kNone);  // restart
  // 999 is above the new counter, but older than the last accepted clock.
  EXPECT_EQ(d.decode(before), Error::kReplayedTelegram);
  EXPECT_EQ(d.decode(apdu_at(2, at(1, 11, 0, 5))), Error::kNone);
  // The meter's own counter, later clock, goes on past the old one.
  EXPECT_EQ(d.decode(apdu_at(1001, at(1, 12))), Error::kNone);
  EXPECT_EQ(d.decode(apdu_at(1002, at(1, 12, 0, 5))), Error::kNone);
}

TEST(SecurityPolicy, OfflineCapturesStillDecodeRepeats) {
  // p1bridge decode: a capture is decoded as it is.
  Decoder d(true, false);
  d.decoder.set_reject_replays(false);
  Bytes t = apdu_at(5, at(1, 5));
  EXPECT_EQ(d.decode(t), Error::kNone);
  EXPECT_EQ(d.decode(t), Error::kNone);
  EXPECT_EQ(d.decode(apdu_at(4, at(1, 4))), Error::kNone);
  EXPECT_EQ(d.counters.frame_counter_repeats, 2u);
  EXPECT_EQ(d.counters.readings, 3u);
}

TEST(SecurityPolicy, ClockSecondsCompareAcrossOffsets) {
  p1::DlmsDateTime a;
  a.year = 2024;
  a.month = 3;
  a.day = 31;
  a.hour = 2;
  a.minute = 0;
  a.second = 0;
  a.deviation = -60;  // 02:00+01:00 = 01:00 UTC
  p1::DlmsDateTime b = a;
  b.hour = 3;
  b.deviation = -120;  // 03:00+02:00 = 01:00 UTC
  int64_t sa = 0, sb = 0;
  ASSERT_TRUE(a.to_seconds(sa));
  ASSERT_TRUE(b.to_seconds(sb));
  EXPECT_EQ(sa, sb);
  p1::DlmsDateTime epoch;
  epoch.year = 2000;
  epoch.month = 1;
  epoch.day = 1;
  epoch.deviation = p1::DlmsDateTime::kDeviationUnspecified;
  int64_t s0 = -1;
  ASSERT_TRUE(epoch.to_seconds(s0));
  EXPECT_EQ(s0, 0);
  epoch.year = 2001;
  epoch.month = 3;
  ASSERT_TRUE(epoch.to_seconds(s0));
  EXPECT_EQ(s0, (366 + 31 + 28) * 86400LL);
  epoch.status = p1::DlmsDateTime::kStatusInvalid;
  EXPECT_FALSE(epoch.to_seconds(s0));
  epoch.status = 0;
  epoch.hour = 0xFF;
  EXPECT_FALSE(epoch.to_seconds(s0));
}

}  // namespace

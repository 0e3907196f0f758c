#include <gtest/gtest.h>

#include "p1/dlms/date_time.h"
#include "support/testdata.h"

namespace {

std::string iso(const std::string& hex) {
  auto bytes = p1enc::from_hex(hex);
  p1::DlmsDateTime t;
  if (!p1::DlmsDateTime::parse(p1::ByteSpan(bytes.data(), bytes.size()), t)) return "invalid";
  char out[p1::DlmsDateTime::kIsoMax];
  return std::string(out, t.to_iso(out));
}

TEST(DlmsDateTime, DeviationGivesUtcOffset) {
  EXPECT_EQ(iso("07E5091B01092F0F00FF8880"), "2021-09-27T09:47:15+02:00");  // -120: summer time
  EXPECT_EQ(iso("07E60B0C0610360000FFC400"), "2022-11-12T16:54:00+01:00");  // -60
  EXPECT_EQ(iso("07E60B0C06103600000000 00"), "2022-11-12T16:54:00+00:00");
  EXPECT_EQ(iso("07E60B0C061036000000F000"), "2022-11-12T16:54:00-04:00");  // +240
  EXPECT_EQ(iso("07E60B0C0610360000FFC9 00"), "2022-11-12T16:54:00+00:55");  // -55
}

TEST(DlmsDateTime, UnspecifiedDeviationIsLocalTime) {
  EXPECT_EQ(iso("07E602150111251EFF800000"), "2022-02-21T17:37:30");
}

TEST(DlmsDateTime, UnspecifiedTimeFieldsPrintAsZero) {
  EXPECT_EQ(iso("07E6021501FFFFFFFF800000"), "2022-02-21T00:00:00");
}

TEST(DlmsDateTime, StatusAndFieldsAreKept) {
  auto bytes = p1enc::from_hex("07E5091B01092F0F00FF8881");
  p1::DlmsDateTime t;
  ASSERT_TRUE(p1::DlmsDateTime::parse(p1::ByteSpan(bytes.data(), bytes.size()), t));
  EXPECT_EQ(t.status & p1::DlmsDateTime::kStatusDaylightSaving, 0x80);
  EXPECT_EQ(t.status & p1::DlmsDateTime::kStatusInvalid, 0x01);
  EXPECT_EQ(t.deviation, -120);
}

TEST(DlmsDateTime, RejectsOutOfRangeFields) {
  EXPECT_EQ(iso("07E50D1B01092F0F00FF8880"), "invalid");  // month 13
  EXPECT_EQ(iso("07E5091B01182F0F00FF8880"), "invalid");  // hour 24
  EXPECT_EQ(iso("07E5091B01093C0F00FF8880"), "invalid");  // minute 60
  EXPECT_EQ(iso("07E5091B01092F0F00100000"), "invalid");  // deviation 4096 min
  EXPECT_EQ(iso("07E5091B01092F0F00FF88"), "invalid");    // 11 bytes
}

TEST(DlmsDateTime, SeparateTimeAndDate) {
  p1::DlmsDateTime t;
  auto time = p1enc::from_hex("13010E00");
  auto date = p1enc::from_hex("07E5031904");
  ASSERT_TRUE(p1::DlmsDateTime::parse_time(p1::ByteSpan(time.data(), time.size()), t));
  ASSERT_TRUE(p1::DlmsDateTime::parse_date(p1::ByteSpan(date.data(), date.size()), t));
  char out[p1::DlmsDateTime::kIsoMax];
  EXPECT_EQ(std::string(out, t.to_iso(out)), "2021-03-25T19:01:14");
}

}  // namespace

#include <gtest/gtest.h>

#include "p1/dlms/axdr.h"
#include "support/testdata.h"

namespace {

using p1::AxdrReader;
using p1::AxdrType;
using p1::Error;

p1::AxdrToken one(const std::string& hex) {
  static std::vector<uint8_t> storage;
  storage = p1enc::from_hex(hex);
  AxdrReader r(p1::ByteSpan(storage.data(), storage.size()));
  auto t = r.next();
  EXPECT_TRUE(t) << hex;
  EXPECT_TRUE(r.at_end()) << hex;
  return t ? *t : p1::AxdrToken();
}

Error validate(const std::string& hex) {
  auto bytes = p1enc::from_hex(hex);
  return p1::validate_axdr_value(p1::ByteSpan(bytes.data(), bytes.size()));
}

TEST(Axdr, IntegerTypes) {
  EXPECT_EQ(one("0F FE").as_int(), -2);               // integer
  EXPECT_EQ(one("10 FC97").as_int(), -873);           // long
  EXPECT_EQ(one("11 FE").as_int(), 254);              // unsigned
  EXPECT_EQ(one("12 03E8").as_int(), 1000);           // long-unsigned
  EXPECT_EQ(one("05 FFFFFFFF").as_int(), -1);         // double-long
  EXPECT_EQ(one("06 FFFFFFFF").as_int(), 4294967295);  // double-long-unsigned
  EXPECT_EQ(one("14 8000000000000000").as_int(), INT64_MIN);
  EXPECT_EQ(one("15 FFFFFFFFFFFFFFFF").magnitude, UINT64_MAX);
  EXPECT_EQ(one("16 1E").as_int(), 30);  // enum
  EXPECT_EQ(one("03 01").as_int(), 1);   // boolean
  EXPECT_TRUE(one("12 0001").is_integer());
  EXPECT_FALSE(one("09 00").is_integer());
}

TEST(Axdr, StringsAndLengths) {
  auto t = one("09 06 0100010800FF");
  EXPECT_TRUE(t.is_octets(6));
  EXPECT_EQ(one("0A 03 414243").bytes.size(), 3u);
  std::string long_form = "09 81 80 " + std::string(256, 'A');
  EXPECT_EQ(one(long_form).bytes.size(), 128u);
  std::string two_byte = "09 82 0100 " + std::string(512, 'B');
  EXPECT_EQ(one(two_byte).bytes.size(), 256u);
  EXPECT_EQ(one("04 0C 1234").bytes.size(), 2u);  // 12 bits
}

TEST(Axdr, ContainersYieldHeaders) {
  auto bytes = p1enc::from_hex("02 02 11 05 01 01 12 0007");
  AxdrReader r(p1::ByteSpan(bytes.data(), bytes.size()));
  auto s = r.next();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->type, AxdrType::kStructure);
  EXPECT_EQ(s->count, 2u);
  EXPECT_EQ(r.next()->magnitude, 5u);
  EXPECT_EQ(r.next()->type, AxdrType::kArray);
  EXPECT_EQ(r.next()->magnitude, 7u);
  EXPECT_TRUE(r.at_end());
}

TEST(Axdr, SkipAndValidate) {
  EXPECT_EQ(validate("02 03 11 01 02 02 0F FF 16 1E 09 00"), Error::kNone);
  EXPECT_EQ(validate("02 03 11 01 02 02 0F FF 16"), Error::kApduTruncated);
  EXPECT_EQ(validate("02 01 11 01 11"), Error::kAxdrTrailingBytes);
  EXPECT_EQ(validate("02 01 07 00"), Error::kAxdrUnknownType);
  EXPECT_EQ(validate("09 05 0102"), Error::kApduTruncated);
  EXPECT_EQ(validate("09 85 0000000001 00"), Error::kApduTruncated);  // 5-byte length form
  EXPECT_EQ(validate("02 84 FFFFFFFF 00"), Error::kApduTruncated);    // huge count, little data
  EXPECT_EQ(validate("19 07E5091B01092F0F00FF8880"), Error::kNone);   // date-time type
  EXPECT_EQ(validate("1A 07E5091B"), Error::kApduTruncated);
  EXPECT_EQ(validate(""), Error::kApduTruncated);
  std::string deep;
  for (int i = 0; i < 9; ++i) deep += "0201";
  EXPECT_EQ(validate(deep + "1100"), Error::kAxdrTooDeep);
  std::string ok_depth;
  for (int i = 0; i < 8; ++i) ok_depth += "0201";
  EXPECT_EQ(validate(ok_depth + "1100"), Error::kNone);
}

TEST(Axdr, ScalerUnitFastPath) {
  auto bytes = p1enc::from_hex("02 02 0F FF 16 23 02 02 11 FF 16 23");
  AxdrReader r(p1::ByteSpan(bytes.data(), bytes.size()));
  int8_t scaler = 0;
  uint8_t unit = 0;
  ASSERT_TRUE(r.read_scaler_unit(scaler, unit));
  EXPECT_EQ(scaler, -1);
  EXPECT_EQ(unit, 35);
  EXPECT_FALSE(r.read_scaler_unit(scaler, unit));  // unsigned scaler: not the pattern
  EXPECT_EQ(r.position(), 6u);
}

}  // namespace

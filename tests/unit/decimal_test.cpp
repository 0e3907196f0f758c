#include <gtest/gtest.h>

#include "p1/output/exact_decimal.h"

namespace {

std::string dec(bool negative, uint64_t magnitude, int scaler) {
  char buffer[p1::kDecimalMax];
  return std::string(buffer, p1::format_decimal(negative, magnitude, scaler, buffer));
}

TEST(Decimal, AppliesScalerExactly) {
  EXPECT_EQ(dec(false, 2337, -1), "233.7");
  EXPECT_EQ(dec(false, 1000, -3), "1.000");
  EXPECT_EQ(dec(false, 5, -2), "0.05");
  EXPECT_EQ(dec(false, 5, 2), "500");
  EXPECT_EQ(dec(false, 12937, 0), "12937");
  EXPECT_EQ(dec(true, 871, -3), "-0.871");
  EXPECT_EQ(dec(true, 1500, 0), "-1500");
}

TEST(Decimal, Zero) {
  EXPECT_EQ(dec(false, 0, 0), "0");
  EXPECT_EQ(dec(false, 0, -1), "0.0");
  EXPECT_EQ(dec(false, 0, 3), "0");
  EXPECT_EQ(dec(true, 0, 0), "0");  // never "-0"
}

TEST(Decimal, Extremes) {
  EXPECT_EQ(dec(false, 18446744073709551615ULL, 0), "18446744073709551615");
  EXPECT_EQ(dec(true, 9223372036854775808ULL, -2), "-92233720368547758.08");
  EXPECT_EQ(dec(false, 1, -128).size(), 130u);
  EXPECT_EQ(dec(false, 1, 127).size(), 128u);
  EXPECT_LE(dec(true, 18446744073709551615ULL, -128).size(), p1::kDecimalMax);
  EXPECT_LE(dec(true, 18446744073709551615ULL, 127).size(), p1::kDecimalMax);
}

}  // namespace

// Exact decimal text of (+/-)magnitude x 10^scaler: 2337 with scaler -1 is
// "233.7" (never 233.70000000000002), 1000 with -3 is "1.000", 5 with 2 is
// "500". No floating point is involved.
#pragma once
#include <cstddef>
#include <cstdint>

namespace p1 {

// Longest output: sign, 20 digits, "0." and 128 zeros for scaler -128.
constexpr size_t kDecimalMax = 1 + 20 + 2 + 128 + 127;

size_t format_decimal(bool negative, uint64_t magnitude, int scaler, char* out);
// An unsigned integer: at most 20 digits.
constexpr size_t kUintTextMax = 20;
inline size_t format_uint(uint64_t value, char* out) { return format_decimal(false, value, 0, out); }

}  // namespace p1

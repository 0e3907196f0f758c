// The read-only API's door (core/p1/device/web/api_access.h), the same on
// the Linux program and the device.
#include <gtest/gtest.h>

#include <string>

#include "p1/crypto/web_crypto.h"
#include "p1/device/settings/settings.h"
#include "p1/device/web/api_access.h"

namespace {

p1::ApiAccess check(const std::string& header, const std::string& token) {
  p1::BearSslWebCrypto crypto;
  return p1::check_api_access(crypto, p1::Span<const char>(header.data(), header.size()),
                              p1::Span<const char>(token.data(), token.size()));
}

const std::string kToken = "3f9c2e71a4b8d605c1e7";

TEST(ApiAccess, WithoutATokenEveryoneReads) {
  EXPECT_EQ(check("", ""), p1::ApiAccess::kAllowed);
  EXPECT_EQ(check("Bearer anything", ""), p1::ApiAccess::kAllowed);
}

TEST(ApiAccess, OnlyTheBearerOfTheTokenReads) {
  EXPECT_EQ(check("Bearer " + kToken, kToken), p1::ApiAccess::kAllowed);
  EXPECT_EQ(check("", kToken), p1::ApiAccess::kTokenMissing);
  EXPECT_EQ(check("Bearer " + kToken + "0", kToken), p1::ApiAccess::kTokenWrong) << "longer";
  EXPECT_EQ(check("Bearer " + kToken.substr(1), kToken), p1::ApiAccess::kTokenWrong) << "a prefix is not the token";
  EXPECT_EQ(check("Bearer " + kToken.substr(0, kToken.size() - 1), kToken), p1::ApiAccess::kTokenWrong);
  EXPECT_EQ(check("Basic " + kToken, kToken), p1::ApiAccess::kTokenWrong) << "another scheme";
  EXPECT_EQ(check("Bearer ", kToken), p1::ApiAccess::kTokenWrong);
  EXPECT_EQ(check(kToken, kToken), p1::ApiAccess::kTokenWrong) << "no scheme";
}

TEST(ApiAccess, RefusalsSayWhatIsMissing) {
  EXPECT_STREQ(p1::api_refusal_json(p1::ApiAccess::kTokenMissing).host_string(),
               "{\"error\":\"this API needs Authorization: Bearer <api_token>\"}");
  EXPECT_STREQ(p1::api_refusal_json(p1::ApiAccess::kTokenWrong).host_string(), "{\"error\":\"wrong API token\"}");
}

TEST(ApiAccess, TheTokenValidatorIsSharedByBothFrontEnds) {
  auto valid = [](const std::string& t) { return p1::valid_api_token(p1::Span<const char>(t.data(), t.size())); };
  EXPECT_TRUE(valid(""));  // the device's "no token"
  EXPECT_TRUE(valid(kToken));
  EXPECT_FALSE(valid("short-token-15c"));
  EXPECT_TRUE(valid("short-token-16ch"));
  EXPECT_FALSE(valid("with a space in it, long"));
  EXPECT_FALSE(valid(std::string(129, 'a')));
  EXPECT_TRUE(valid(std::string(128, 'a')));
  // The device stores at most 64 characters: longer is refused as too long.
  char out[p1::kMaxSettingInput];
  size_t n = 0;
  std::string long_token(65, 'b');
  EXPECT_EQ(p1::check_setting(p1::SettingId::kWebApiToken, p1::Span<const char>(long_token.data(), long_token.size()),
                              p1::CharSpan(out, sizeof out), n),
            p1::SettingError::kTooLong);
}

}  // namespace

#include "p1/device/web/api_access.h"

namespace p1 {

namespace {
const char kScheme[] P1_FLASH_DATA = "Bearer ";
}  // namespace

ApiAccess check_api_access(WebCrypto& crypto, Span<const char> authorization, Span<const char> token) {
  if (token.empty()) return ApiAccess::kAllowed;
  if (authorization.empty()) return ApiAccess::kTokenMissing;
  FlashText scheme(kScheme);
  size_t n = scheme.size();
  if (authorization.size() <= n || !scheme.equals(authorization.first(n))) return ApiAccess::kTokenWrong;
  Span<const char> given = authorization.subspan(n);
  uint8_t a[32], b[32];
  crypto.sha256(ByteSpan(reinterpret_cast<const uint8_t*>(given.data()), given.size()), a);
  crypto.sha256(ByteSpan(reinterpret_cast<const uint8_t*>(token.data()), token.size()), b);
  uint8_t difference = 0;
  for (size_t i = 0; i < sizeof a; ++i) difference = static_cast<uint8_t>(difference | (a[i] ^ b[i]));
  return difference == 0 ? ApiAccess::kAllowed : ApiAccess::kTokenWrong;
}

FlashText api_refusal_json(ApiAccess access) {
  switch (access) {
    case ApiAccess::kTokenMissing:
      return P1_TEXT("{\"error\":\"this API needs Authorization: Bearer <api_token>\"}");
    case ApiAccess::kTokenWrong:
      return P1_TEXT("{\"error\":\"wrong API token\"}");
    case ApiAccess::kAllowed:
      break;
  }
  return P1_TEXT("");
}

}  // namespace p1

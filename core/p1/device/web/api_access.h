// Who may read the read-only JSON API (GET /api/v1/...), the same rule on
// both front-ends: with no token configured anyone who reaches the port;
// with one, only a request carrying "Authorization: Bearer <token>". The
// two are compared as SHA-256 digests in constant time, so neither the
// token's bytes nor its length leak through the answer's timing.
#pragma once
#include <cstdint>

#include "p1/base/flash_text.h"
#include "p1/base/span.h"
#include "p1/crypto/web_crypto.h"

namespace p1 {

enum class ApiAccess : uint8_t { kAllowed, kTokenMissing, kTokenWrong };

// `authorization`: the request's Authorization header (empty if absent);
// `token`: the configured one (empty: no token asked).
ApiAccess check_api_access(WebCrypto& crypto, Span<const char> authorization, Span<const char> token);

// The body of the 401 answer to a refused request (with
// `WWW-Authenticate: Bearer realm="p1bridge"`).
FlashText api_refusal_json(ApiAccess access);

}  // namespace p1

// Shelly Gen2 RPC for the Pro 3EM emulation: which call a request names, the
// answer to it (or the error a Shelly gives), and the JSON-RPC frame of the
// UDP variant ({"id":1,"src":"cli","method":"EM.GetStatus","params":{"id":0}}
// in one datagram, {"id":1,"src":<device>,"dst":"cli","result":{...}} back).
// The HTTP variant (GET /rpc/EM.GetStatus?id=0) answers with the bare result,
// or with the error object and an HTTP status.
//
// While there is no current reading the status calls answer Shelly's
// "unavailable" error (-114) rather than numbers: a battery that gets an
// error stops regulating on the meter (its own fallback), one that gets old
// numbers would regulate on them.
#pragma once
#include <cstdint>

#include "p1/base/span.h"
#include "p1/output/grid_values.h"
#include "p1/output/shelly_em_status.h"

namespace p1 {

enum class ShellyMethod : uint8_t { kUnknown, kEmGetStatus, kEmDataGetStatus, kGetDeviceInfo };
// "EM.GetStatus" -> kEmGetStatus; method names compare as Shelly does, without
// regard to case.
ShellyMethod shelly_method(Span<const char> name);

enum class ShellyRpcError : uint8_t {
  kNone,
  kNotAnObject,    // not one JSON object (or too many tokens)
  kBadId,          // "id" missing, or neither a number nor a short string
  kBadSrc,         // "src" not a string or longer than kShellySrcMax
  kNoMethod,       // "method" missing or not a string
  kBadParams,      // "params" not an object, or its "id" not a small unsigned number
};
const char* describe(ShellyRpcError error);

constexpr size_t kShellyIdMax = 24;
constexpr size_t kShellySrcMax = 64;
constexpr size_t kShellyMaxDatagram = 1024;  // requests are < 100 bytes; anything longer is refused

struct ShellyRpcRequest {
  ShellyMethod method = ShellyMethod::kUnknown;
  char method_name[32] = {};  // as sent (for "No handler for ..."), cut to fit
  size_t method_length = 0;
  char id[kShellyIdMax] = {};  // a JSON number as sent, or a string's text
  size_t id_length = 0;
  bool id_is_string = false;
  char src[kShellySrcMax] = {};  // echoed as "dst" (unescaped text)
  size_t src_length = 0;
  bool has_src = false;
  uint64_t component = 0;  // params.id (default 0)
};

ShellyRpcError parse_shelly_rpc(Span<const char> text, ShellyRpcRequest& out);

// The answer to a call: the result object in `out` (code 0), or Shelly's error
// code and its message in `out`: -114 no current reading, -105 no such
// component (only id 0 exists), 404 no such method. `current` is null while
// there is no current reading.
struct ShellyAnswer {
  int code = 0;
  size_t length = 0;
  bool too_small = false;
  // The HTTP status Shelly uses with this answer.
  int http_status() const { return code == 0 ? 200 : code == 404 ? 404 : code == -114 ? 503 : 400; }
};
ShellyAnswer shelly_answer(ShellyMethod method, Span<const char> method_name, uint64_t component,
                           const GridValues* current, const ShellyIdentity& identity, CharSpan out);
// The error object {"code":-114,"message":"..."} of an answer (HTTP body).
Result<size_t> shelly_error_json(const ShellyAnswer& answer, Span<const char> message, CharSpan out);
// The UDP reply frame around an answer (result, or error).
Result<size_t> shelly_rpc_reply(const ShellyRpcRequest& request, const char* device_id, const ShellyAnswer& answer,
                                Span<const char> answer_text, CharSpan out);

}  // namespace p1

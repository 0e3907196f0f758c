#include "p1/output/shelly_rpc.h"

#include <cstring>

#include "p1/base/text_buffer.h"
#include "p1/device/web/json_object_reader.h"
#include "p1/output/json_text.h"

namespace p1 {

namespace {

bool same_name(Span<const char> a, const char* b) {
  size_t n = std::strlen(b);
  if (a.size() != n) return false;
  for (size_t i = 0; i < n; ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

bool is_json_number(Span<const char> t) {
  if (t.empty()) return false;
  for (char c : t) {
    if (!((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E')) return false;
  }
  return true;
}

Result<size_t> finish(const TextBuffer& out) {
  if (out.overflow()) return Error::kOutputTooSmall;
  return out.size();
}

void put_message(TextBuffer& out, const char* a, Span<const char> b, const char* c) {
  out.put(a);
  out.put(b.data(), b.size());
  out.put(c);
}

}  // namespace

ShellyMethod shelly_method(Span<const char> name) {
  if (same_name(name, "EM.GetStatus")) return ShellyMethod::kEmGetStatus;
  if (same_name(name, "EMData.GetStatus")) return ShellyMethod::kEmDataGetStatus;
  if (same_name(name, "Shelly.GetDeviceInfo")) return ShellyMethod::kGetDeviceInfo;
  return ShellyMethod::kUnknown;
}

const char* describe(ShellyRpcError e) {
  switch (e) {
    case ShellyRpcError::kNone: return "ok";
    case ShellyRpcError::kNotAnObject: return "not a JSON-RPC object";
    case ShellyRpcError::kBadId: return "id missing or not a number or short string";
    case ShellyRpcError::kBadSrc: return "src not a string of at most 63 characters";
    case ShellyRpcError::kNoMethod: return "method missing or not a string";
    case ShellyRpcError::kBadParams: return "params not an object with a small unsigned id";
  }
  return "unknown error";
}

ShellyRpcError parse_shelly_rpc(Span<const char> text, ShellyRpcRequest& out) {
  out = ShellyRpcRequest();
  if (text.size() > kShellyMaxDatagram) return ShellyRpcError::kNotAnObject;
  JsonToken tokens[32];
  JsonObjectReader reader(text, Span<JsonToken>(tokens));
  if (!reader.parse()) return ShellyRpcError::kNotAnObject;

  int id = reader.find(0, "id");
  if (id < 0) return ShellyRpcError::kBadId;
  if (reader.is_string(id)) {
    out.id_is_string = true;
    if (!reader.text(id, CharSpan(out.id, sizeof out.id), out.id_length)) return ShellyRpcError::kBadId;
  } else {
    Span<const char> raw = reader.raw(id);
    if (!is_json_number(raw) || raw.size() > sizeof out.id) return ShellyRpcError::kBadId;
    std::memcpy(out.id, raw.data(), raw.size());
    out.id_length = raw.size();
  }

  int src = reader.find(0, "src");
  if (src >= 0) {
    if (!reader.text(src, CharSpan(out.src, sizeof out.src - 1), out.src_length)) return ShellyRpcError::kBadSrc;
    out.has_src = true;
  }

  int method = reader.find(0, "method");
  if (!reader.is_string(method)) return ShellyRpcError::kNoMethod;
  Span<const char> name = reader.raw(method);  // method names have no escapes worth resolving
  out.method = shelly_method(name);
  out.method_length = name.size() < sizeof out.method_name ? name.size() : sizeof out.method_name - 1;
  std::memcpy(out.method_name, name.data(), out.method_length);

  int params = reader.find(0, "params");
  if (params >= 0) {
    if (!reader.is_object(params)) {
      // A Shelly accepts "params":null for calls without parameters.
      Span<const char> raw = reader.raw(params);
      if (!(raw.size() == 4 && std::memcmp(raw.data(), "null", 4) == 0)) return ShellyRpcError::kBadParams;
    } else {
      int component = reader.find(params, "id");
      if (component >= 0 && (!reader.unsigned_number(component, out.component) || out.component > 0xFFFF)) {
        return ShellyRpcError::kBadParams;
      }
    }
  }
  return ShellyRpcError::kNone;
}

ShellyAnswer shelly_answer(ShellyMethod method, Span<const char> name, uint64_t component, const GridValues* current,
                           const ShellyIdentity& identity, CharSpan out) {
  ShellyAnswer a;
  TextBuffer text(out);
  Result<size_t> r = Error::kOutputTooSmall;
  if (method == ShellyMethod::kUnknown) {
    a.code = 404;
    put_message(text, "No handler for ", name, "");
  } else if (method == ShellyMethod::kGetDeviceInfo) {
    r = shelly_device_info(identity, out);
  } else if (component != 0) {
    a.code = -105;
    text.put("Argument 'id', value not found!");
  } else if (current == nullptr) {
    a.code = -114;
    text.put("Resource unavailable: no current meter reading");
  } else if (method == ShellyMethod::kEmGetStatus) {
    r = shelly_em_status(*current, out);
  } else {
    r = shelly_emdata_status(*current, out);
  }
  if (a.code != 0) {
    a.length = text.size();
    a.too_small = text.overflow();
  } else {
    a.too_small = !r;
    a.length = r ? *r : 0;
  }
  return a;
}

namespace {
void put_error(TextBuffer& out, int code, Span<const char> message) {
  bool first = true;
  out.put('{');
  put_json_key(out, "code", first);
  if (code < 0) out.put('-');
  put_json_uint(out, static_cast<uint64_t>(code < 0 ? -code : code));
  put_json_key(out, "message", first);
  put_json_string(out, message);
  out.put('}');
}
}  // namespace

Result<size_t> shelly_error_json(const ShellyAnswer& answer, Span<const char> message, CharSpan buffer) {
  TextBuffer out(buffer);
  put_error(out, answer.code, message);
  return finish(out);
}

Result<size_t> shelly_rpc_reply(const ShellyRpcRequest& request, const char* device_id, const ShellyAnswer& answer,
                                Span<const char> answer_text, CharSpan buffer) {
  TextBuffer out(buffer);
  bool first = true;
  out.put('{');
  put_json_key(out, "id", first);
  if (request.id_is_string) {
    put_json_string(out, Span<const char>(request.id, request.id_length));
  } else {
    out.put(request.id, request.id_length);
  }
  put_json_key(out, "src", first);
  put_json_string(out, device_id);
  if (request.has_src) {
    put_json_key(out, "dst", first);
    put_json_string(out, Span<const char>(request.src, request.src_length));
  }
  if (answer.code == 0) {
    put_json_key(out, "result", first);
    out.put(answer_text.data(), answer_text.size());
  } else {
    put_json_key(out, "error", first);
    put_error(out, answer.code, answer_text);
  }
  out.put('}');
  return finish(out);
}

}  // namespace p1

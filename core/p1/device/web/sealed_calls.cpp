#include "p1/device/web/sealed_calls.h"

#include <cstring>

#include "p1/base/hex.h"
#include "p1/device/web/json_object_reader.h"
#include "p1/output/json_text.h"

namespace p1 {

namespace {

constexpr size_t kEnvelopeOverhead = 160;  // {"nonce":..,"salt":..,"iv":..,"data":"..","tag":..} around the hex
constexpr size_t kRequestTokens = 48;      // op + a save of every setting

bool hex_field(const JsonObjectReader& reader, const char* key, uint8_t* out, size_t n) {
  int token = reader.find(0, key);
  if (!reader.is_string(token)) return false;
  return parse_hex_exact(reader.raw(token), MutableByteSpan(out, n));
}

void put_hex(TextBuffer& out, ByteSpan bytes) {
  char* p = out.reserve(bytes.size() * 2);
  if (p == nullptr) return;
  write_hex(bytes, CharSpan(p, bytes.size() * 2));
  out.commit(bytes.size() * 2);
}

}  // namespace

SealedCalls::Reply SealedCalls::fail(int status, FlashText message, uint32_t retry_after_s) {
  TextBuffer text(CharSpan(text_, sizeof text_));
  bool first = true;
  text.put('{');
  put_json_key(text, P1_TEXT("error"), first);
  put_json_string(text, message);
  if (retry_after_s > 0) {
    put_json_key(text, P1_TEXT("retry_after"), first);
    put_json_uint(text, retry_after_s);
  }
  text.put('}');
  sealed_ = ByteSpan();
  text_len_ = text.overflow() ? 0 : text.size();
  Reply reply;
  reply.status = status;
  reply.length = text_len_;
  reply.retry_after_s = retry_after_s;
  return reply;
}

SealedCalls::Reply SealedCalls::nonce(uint32_t client, uint32_t now_ms) {
  uint8_t nonce[kNonceSize];
  nonces_.issue(random_, client, now_ms, nonce);
  TextBuffer text(CharSpan(text_, sizeof text_));
  text.put(P1_TEXT("{\"nonce\":\""));
  put_hex(text, ByteSpan(nonce, sizeof nonce));
  // The salt of the page's PBKDF2: the page derives K once per salt (a login,
  // or a restart of this program, which draws a new one).
  text.put(P1_TEXT("\",\"kdf_salt\":\""));
  put_hex(text, ByteSpan(box_.kdf_salt(), kKdfSaltSize));
  text.put(P1_TEXT("\"}"));
  sealed_ = ByteSpan();
  text_len_ = text.size();
  Reply reply;
  reply.length = text_len_;
  return reply;
}

namespace {
constexpr char kSaltOpen[] = "{\"salt\":\"";
constexpr char kIvOpen[] = "\",\"iv\":\"";
constexpr char kDataOpen[] = "\",\"data\":\"";
constexpr char kTagOpen[] = "\",\"tag\":\"";
constexpr char kClose[] = "\"}";

void write_hex_to(ReplyWriter& writer, ByteSpan bytes) {
  char piece[128];
  while (!bytes.empty()) {
    size_t n = bytes.size() < sizeof piece / 2 ? bytes.size() : sizeof piece / 2;
    write_hex(bytes.first(n), CharSpan(piece, 2 * n));
    writer.write(piece, 2 * n);
    bytes = bytes.subspan(n);
  }
}
}  // namespace

void SealedCalls::send(ReplyWriter& writer) const {
  if (sealed_.data() == nullptr) {
    writer.write(text_, text_len_);
    return;
  }
  writer.write(kSaltOpen, sizeof kSaltOpen - 1);
  write_hex_to(writer, ByteSpan(salt_, sizeof salt_));
  writer.write(kIvOpen, sizeof kIvOpen - 1);
  write_hex_to(writer, ByteSpan(iv_, sizeof iv_));
  writer.write(kDataOpen, sizeof kDataOpen - 1);
  write_hex_to(writer, sealed_);
  writer.write(kTagOpen, sizeof kTagOpen - 1);
  write_hex_to(writer, ByteSpan(tag_, sizeof tag_));
  writer.write(kClose, sizeof kClose - 1);
}

SealedCalls::Reply SealedCalls::call(uint32_t client, uint32_t now_ms, CharSpan body, MutableByteSpan scratch,
                                     Settings& updated) {
  if (!box_.has_passkey()) return fail(403, P1_TEXT("no passkey is set: the page is disabled"));
  if (body.size() > kMaxRequest * 2 + kEnvelopeOverhead) return fail(413, P1_TEXT("request too large"));
  JsonToken envelope_tokens[16];
  JsonObjectReader envelope(body, Span<JsonToken>(envelope_tokens));
  uint8_t nonce[kNonceSize], salt[kSaltSize], iv[WebCrypto::kIvSize], tag[WebCrypto::kTagSize];
  if (!envelope.parse() || !hex_field(envelope, "nonce", nonce, sizeof nonce) ||
      !hex_field(envelope, "salt", salt, sizeof salt) || !hex_field(envelope, "iv", iv, sizeof iv) ||
      !hex_field(envelope, "tag", tag, sizeof tag)) {
    return fail(400, P1_TEXT("malformed request"));
  }
  int data_token = envelope.find(0, "data");
  Span<const char> data_hex = envelope.raw(data_token);
  if (!envelope.is_string(data_token) || data_hex.size() % 2 != 0 || data_hex.size() / 2 > kMaxRequest) {
    return fail(400, P1_TEXT("malformed request"));
  }
  // Decoded in place: each byte lands before the digits still to be read.
  size_t data_len = data_hex.size() / 2;
  MutableByteSpan data(reinterpret_cast<uint8_t*>(const_cast<char*>(data_hex.data())), data_len);
  if (!parse_hex_exact(data_hex, data)) return fail(400, P1_TEXT("malformed request"));

  uint32_t retry_ms = 0;
  if (!limiter_.allowed(client, now_ms, retry_ms)) return fail(429, P1_TEXT("too many wrong passkeys; wait"), (retry_ms + 999) / 1000);
  if (!nonces_.valid(nonce, client, now_ms)) return fail(403, P1_TEXT("expired or reused request"));
  if (!box_.open(salt, iv, ByteSpan(nonce, sizeof nonce), data, tag)) {
    limiter_.failure(client, now_ms);
    return fail(403, P1_TEXT("wrong passkey"));
  }
  // Used up only now: a request without the passkey cannot fill the memory
  // of used nonces (and gains nothing by reusing one: each try counts).
  nonces_.mark_used(nonce, now_ms);
  limiter_.success(client);

  JsonToken request_tokens[kRequestTokens];
  JsonObjectReader request(Span<const char>(reinterpret_cast<const char*>(data.data()), data.size()),
                           Span<JsonToken>(request_tokens));
  int op_token = -1;
  if (!request.parse() || !request.is_string(op_token = request.find(0, "op"))) return fail(400, P1_TEXT("malformed request"));
  TextBuffer plain(CharSpan(reinterpret_cast<char*>(scratch.data()), scratch.size()));
  Span<const char> op = request.raw(op_token);
  if (!answer(op.data(), op.size(), request, plain, updated)) return fail(400, P1_TEXT("unknown operation"));
  if (plain.overflow()) return fail(500, P1_TEXT("reply too large for this device"));

  MutableByteSpan sealed(scratch.data(), plain.size());
  box_.seal(ByteSpan(nonce, sizeof nonce), sealed, salt_, iv_, tag_);
  sealed_ = sealed;
  Reply reply;
  reply.length = sizeof kSaltOpen - 1 + 2 * sizeof salt_ + sizeof kIvOpen - 1 + 2 * sizeof iv_ + sizeof kDataOpen - 1 +
                 2 * sealed.size() + sizeof kTagOpen - 1 + 2 * sizeof tag_ + sizeof kClose - 1;
  return reply;
}

bool SealedCalls::answer(const char* op_text, size_t op_len, JsonObjectReader& request, TextBuffer& out,
                         Settings& updated) {
  Span<const char> op(op_text, op_len);
  if (P1_TEXT("login").equals(op) || P1_TEXT("restart").equals(op)) {
    if (P1_TEXT("restart").equals(op)) backend_.request_restart();
    out.put(P1_TEXT("{\"ok\":true}"));
  } else if (P1_TEXT("values").equals(op)) {
    backend_.write_values(out);
  } else if (P1_TEXT("history").equals(op)) {
    uint64_t meter = 0;
    int meter_token = request.find(0, "meter");
    if (meter_token >= 0 && !request.unsigned_number(meter_token, meter)) meter = UINT32_MAX;
    uint64_t part = 0;
    int part_token = request.find(0, "part");
    if (part_token >= 0 && !request.unsigned_number(part_token, part)) part = UINT32_MAX;
    backend_.write_history(out, static_cast<size_t>(meter), static_cast<size_t>(part));
  } else if (P1_TEXT("settings").equals(op)) {
    write_settings(out);
  } else if (P1_TEXT("save").equals(op)) {
    write_save(request, out, updated);
  } else if (P1_TEXT("ota_begin").equals(op)) {
    uint8_t sha256[32];
    uint64_t size = 0;
    int sha_token = request.find(0, "sha256");
    bool well_formed = request.unsigned_number(request.find(0, "size"), size) && size <= UINT32_MAX &&
                       request.is_string(sha_token) &&
                       parse_hex_exact(request.raw(sha_token), MutableByteSpan(sha256, sizeof sha256));
    char token[33] = {};
    const char* error = well_formed ? backend_.begin_update(sha256, static_cast<uint32_t>(size), token)
                                    : "the page must send the image's size and SHA-256";
    bool first = true;
    out.put('{');
    if (error != nullptr) {
      put_json_key(out, P1_TEXT("error"), first);
      put_json_string(out, error);
    } else {
      put_json_key(out, P1_TEXT("token"), first);
      put_json_string(out, token);
    }
    out.put('}');
  } else {
    return false;
  }
  return true;
}

namespace {
FlashText kind_name(SettingKind kind) {
  switch (kind) {
    case SettingKind::kText: return P1_TEXT("text");
    case SettingKind::kSecret: return P1_TEXT("secret");
    case SettingKind::kNumber: return P1_TEXT("number");
    case SettingKind::kChoice: return P1_TEXT("select");
    case SettingKind::kFlags: return P1_TEXT("flags");
    case SettingKind::kBool: return P1_TEXT("switch");
  }
  return P1_TEXT("text");
}

// [["0","raw"],"2400",...]: a value that is its own label goes alone.
void put_options(TextBuffer& out, const SettingSpec& spec) {
  out.put('[');
  SettingOption o;
  for (size_t i = 0; spec.option(i, o); ++i) {
    if (i > 0) out.put(',');
    bool same = o.label.data() == o.value.data() && o.label.size() == o.value.size();
    if (!same) out.put('[');
    put_json_string(out, o.value);
    if (!same) {
      out.put(',');
      put_json_string(out, o.label);
      out.put(']');
    }
  }
  out.put(']');
}
}  // namespace

void SealedCalls::write_settings(TextBuffer& out) {
  const Settings& settings = backend_.settings();
  bool device = backend_.is_device();
  out.put(P1_TEXT("{\"fields\":["));
  bool first_field = true;
  for (const SettingSpec& spec : setting_specs()) {
    if (!spec.applies(device)) continue;
    if (!first_field) out.put(',');
    first_field = false;
    bool first = true;
    bool secret = spec.kind() == SettingKind::kSecret;
    out.put('{');
    put_json_key(out, P1_TEXT("key"), first);
    put_json_string(out, spec.key());
    put_json_key(out, P1_TEXT("label"), first);
    put_json_string(out, spec.label());
    put_json_key(out, P1_TEXT("kind"), first);
    put_json_string(out, kind_name(spec.kind()));
    put_json_key(out, P1_TEXT("group"), first);
    put_json_string(out, group_name(spec.group()));
    if (!spec.help().empty()) {
      put_json_key(out, P1_TEXT("help"), first);
      put_json_string(out, spec.help());
    }
    if (spec.has_options()) {
      put_json_key(out, P1_TEXT("options"), first);
      put_options(out, spec);
    }
    // What a value must look like comes with a refusal (write_save), not
    // here: the form is the device's largest answer.
    // Secrets never leave: only whether one is set.
    if (secret) {
      put_json_key(out, P1_TEXT("set"), first);
      put_json_bool(out, settings.length(spec.id()) > 0);
    } else {
      put_json_key(out, P1_TEXT("value"), first);
      put_json_string(out, settings.get(spec.id()));
    }
    out.put('}');
  }
  out.put(P1_TEXT("],\"can_save\":"));
  put_json_bool(out, backend_.save_unavailable() == nullptr);
  if (const char* why = backend_.save_unavailable()) {
    out.put(P1_TEXT(",\"save_unavailable\":"));
    put_json_string(out, why);
  }
  out.put(P1_TEXT(",\"ota\":"));
  put_json_bool(out, device);
  out.put('}');
}

void SealedCalls::write_save(JsonObjectReader& request, TextBuffer& out, Settings& updated) {
  const Settings& shown = backend_.settings();
  bool device = backend_.is_device();
  updated = shown;
  bool first = true;
  bool any_error = false;
  out.put(P1_TEXT("{\"errors\":{"));
  // Messages are constant text (flash) or the backend's RAM text; FlashText
  // reads both.
  auto error = [&](Span<const char> key, FlashText prefix, FlashText message) {
    if (!first) out.put(',');
    first = false;
    put_json_string(out, key);
    out.put(':');
    char line[192];
    size_t n = 0;
    for (size_t i = 0; prefix.at(i) != '\0' && n < sizeof line; ++i) line[n++] = prefix.at(i);
    for (size_t i = 0; message.at(i) != '\0' && n < sizeof line; ++i) line[n++] = message.at(i);
    put_json_string(out, Span<const char>(line, n));
    any_error = true;
  };
  int settings = request.find(0, "settings");
  if (!request.is_object(settings)) {
    error(Span<const char>("_", 1), P1_TEXT(""), P1_TEXT("no settings"));
  } else {
    for (int member = -1; request.next_member(settings, member);) {
      Span<const char> key = request.raw(member);
      const SettingSpec* spec = find_setting(key);
      int value = request.value_of(member);
      char text[kMaxSettingInput];
      size_t length = 0;
      if (spec == nullptr || !spec->applies(device) || !request.text(value, CharSpan(text, sizeof text), length)) {
        error(key, P1_TEXT(""), spec == nullptr || !spec->applies(device) ? P1_TEXT("unknown setting") : P1_TEXT("expected text"));
        continue;
      }
      // An empty secret keeps the stored one: the page never had it.
      if (spec->kind() == SettingKind::kSecret && length == 0) continue;
      if (updated.set(spec->id(), Span<const char>(text, length)) != SettingError::kNone) {
        error(key, P1_TEXT("expected "), spec->expected());
      }
    }
  }
  if (!any_error) {
    const char* why = backend_.save_unavailable();
    const char* failure = why != nullptr ? why : (updated == shown ? nullptr : backend_.save(shown, updated));
    if (failure != nullptr) error(Span<const char>("_", 1), P1_TEXT(""), FlashText(failure));
  }
  out.put('}');
  if (!any_error) out.put(P1_TEXT(",\"saved\":true,\"restart_needed\":true"));
  out.put('}');
}

}  // namespace p1

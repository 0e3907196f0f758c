#include "telegram_encoder.h"

#include <bearssl/bearssl.h>

#include <cstring>

namespace p1enc {

Bytes DateTime::encode() const {
  auto dev = static_cast<uint16_t>(deviation);
  return Bytes{static_cast<uint8_t>(year >> 8), static_cast<uint8_t>(year), month, day, weekday, hour, minute, second,
               0x00, static_cast<uint8_t>(dev >> 8), static_cast<uint8_t>(dev), status};
}

void put_length(Bytes& out, size_t length) {
  if (length < 0x80) {
    out.push_back(static_cast<uint8_t>(length));
  } else if (length < 0x100) {
    out.push_back(0x81);
    out.push_back(static_cast<uint8_t>(length));
  } else {
    out.push_back(0x82);
    out.push_back(static_cast<uint8_t>(length >> 8));
    out.push_back(static_cast<uint8_t>(length));
  }
}

void put_integer(Bytes& out, uint8_t type, int64_t value) {
  size_t size = 0;
  switch (type) {
    case 0x03: case 0x0F: case 0x11: case 0x16: size = 1; break;
    case 0x10: case 0x12: size = 2; break;
    case 0x05: case 0x06: size = 4; break;
    case 0x14: case 0x15: size = 8; break;
    default: return;
  }
  out.push_back(type);
  auto u = static_cast<uint64_t>(value);
  for (size_t i = size; i-- > 0;) out.push_back(static_cast<uint8_t>(u >> (8 * i)));
}

void put_octets(Bytes& out, const Bytes& bytes) {
  out.push_back(0x09);
  put_length(out, bytes.size());
  out.insert(out.end(), bytes.begin(), bytes.end());
}

void put_octets(Bytes& out, const std::string& text) { put_octets(out, Bytes(text.begin(), text.end())); }

namespace {
Bytes obis_bytes(const uint8_t (&obis)[6]) { return Bytes(obis, obis + 6); }

void put_scaler_unit(Bytes& out, int8_t scaler, uint8_t unit) {
  out.insert(out.end(), {0x02, 0x02, 0x0F, static_cast<uint8_t>(scaler), 0x16, unit});
}

Bytes notification_header(uint32_t invoke_id, const DateTime& time) {
  Bytes out{0x0F, static_cast<uint8_t>(invoke_id >> 24), static_cast<uint8_t>(invoke_id >> 16),
            static_cast<uint8_t>(invoke_id >> 8), static_cast<uint8_t>(invoke_id), 0x0C};
  Bytes t = time.encode();
  out.insert(out.end(), t.begin(), t.end());
  return out;
}
}  // namespace

std::vector<Register> evn_registers(const EvnValues& v) {
  return {
      {{1, 0, 1, 8, 0, 255}, 0x06, v.energy_import_wh, 0, 30},
      {{1, 0, 2, 8, 0, 255}, 0x06, v.energy_export_wh, 0, 30},
      {{1, 0, 1, 7, 0, 255}, 0x06, v.power_import_w, 0, 27},
      {{1, 0, 2, 7, 0, 255}, 0x06, v.power_export_w, 0, 27},
      {{1, 0, 32, 7, 0, 255}, 0x12, v.voltage_dv[0], -1, 35},
      {{1, 0, 52, 7, 0, 255}, 0x12, v.voltage_dv[1], -1, 35},
      {{1, 0, 72, 7, 0, 255}, 0x12, v.voltage_dv[2], -1, 35},
      {{1, 0, 31, 7, 0, 255}, 0x12, v.current_ca[0], -2, 33},
      {{1, 0, 51, 7, 0, 255}, 0x12, v.current_ca[1], -2, 33},
      {{1, 0, 71, 7, 0, 255}, 0x12, v.current_ca[2], -2, 33},
      {{1, 0, 13, 7, 0, 255}, static_cast<uint8_t>(v.signed_power_factor ? 0x10 : 0x12), v.power_factor_milli, -3,
       255},
  };
}

Bytes evn_notification(const EvnValues& v) {
  Bytes out = notification_header(v.invoke_id, v.time);
  auto registers = evn_registers(v);
  out.push_back(0x02);
  put_length(out, 1 + 3 * registers.size() + 1);
  put_octets(out, v.time.encode());
  for (const Register& r : registers) {
    put_octets(out, obis_bytes(r.obis));
    put_integer(out, r.type, r.raw);
    put_scaler_unit(out, r.scaler, r.unit);
  }
  put_octets(out, v.meter_number);
  return out;
}

Bytes ksm_west_notification(const DateTime& time, const std::vector<Register>& registers,
                            const std::string& meter_number, const std::string& device_name, uint32_t invoke_id) {
  Bytes out = notification_header(invoke_id, time);
  out.push_back(0x02);
  put_length(out, 2 + 2 + registers.size());
  put_octets(out, Bytes{0, 0, 1, 0, 0, 255});
  put_octets(out, time.encode());
  out.insert(out.end(), {0x02, 0x02});
  put_octets(out, Bytes{0, 0, 96, 1, 0, 255});
  put_octets(out, meter_number);
  out.insert(out.end(), {0x02, 0x02});
  put_octets(out, Bytes{0, 0, 42, 0, 0, 255});
  put_octets(out, device_name);
  for (const Register& r : registers) {
    out.insert(out.end(), {0x02, 0x03});
    put_octets(out, obis_bytes(r.obis));
    put_integer(out, r.type, r.raw);
    put_scaler_unit(out, r.scaler, r.unit);
  }
  return out;
}

Bytes cipher(const Bytes& plaintext, const CipherParams& p) {
  br_aes_ct64_ctr_keys aes;
  br_aes_ct64_ctr_init(&aes, p.key, 16);
  br_gcm_context gcm;
  br_gcm_init(&gcm, &aes.vtable, br_ghash_ctmul64);
  uint8_t iv[12];
  std::memcpy(iv, p.system_title, 8);
  for (int i = 0; i < 4; ++i) iv[8 + i] = static_cast<uint8_t>(p.frame_counter >> (24 - 8 * i));
  br_gcm_reset(&gcm, iv, 12);
  bool auth = (p.security_control & 0x10) != 0;
  if (auth) {
    uint8_t aad[17];
    aad[0] = p.security_control;
    std::memcpy(aad + 1, p.auth_key, 16);
    br_gcm_aad_inject(&gcm, aad, sizeof aad);
  }
  br_gcm_flip(&gcm);
  Bytes body = plaintext;
  br_gcm_run(&gcm, 1, body.data(), body.size());
  uint8_t tag[16];
  br_gcm_get_tag(&gcm, tag);

  Bytes out{p.tag, 0x08};
  out.insert(out.end(), p.system_title, p.system_title + 8);
  put_length(out, 5 + body.size() + (auth ? 12 : 0));
  out.push_back(p.security_control);
  out.insert(out.end(), iv + 8, iv + 12);
  out.insert(out.end(), body.begin(), body.end());
  if (auth) out.insert(out.end(), tag, tag + 12);
  return out;
}

Bytes mbus_frames(const Bytes& apdu, size_t max_apdu_per_frame) {
  Bytes out;
  size_t frames = (apdu.size() + max_apdu_per_frame - 1) / max_apdu_per_frame;
  if (frames == 0) frames = 1;
  for (size_t i = 0; i < frames; ++i) {
    size_t begin = i * max_apdu_per_frame;
    size_t end = std::min(apdu.size(), begin + max_apdu_per_frame);
    bool last = i + 1 == frames;
    uint8_t ci = last ? static_cast<uint8_t>(0x10 | (i & 0x0F)) : static_cast<uint8_t>(i & 0x0F);
    if (!last && i > 0) ci = static_cast<uint8_t>(i & 0x0F);
    Bytes body{0x53, 0xFF, ci, 0x01, 0x67};
    body.insert(body.end(), apdu.begin() + static_cast<long>(begin), apdu.begin() + static_cast<long>(end));
    uint8_t sum = 0;
    for (uint8_t b : body) sum = static_cast<uint8_t>(sum + b);
    auto length = static_cast<uint8_t>(body.size());
    out.insert(out.end(), {0x68, length, length, 0x68});
    out.insert(out.end(), body.begin(), body.end());
    out.push_back(sum);
    out.push_back(0x16);
  }
  return out;
}

Bytes from_hex(const std::string& hex) {
  Bytes out;
  int high = -1;
  for (char c : hex) {
    int v = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
    if (v < 0) continue;
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<uint8_t>(high << 4 | v));
      high = -1;
    }
  }
  return out;
}

std::string to_hex(const Bytes& bytes) {
  static const char kDigits[] = "0123456789ABCDEF";
  std::string out;
  for (uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

}  // namespace p1enc

#include "telegram_encoder.h"

#include <bearssl/bearssl.h>

#include <cstdio>
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
    // CI: segment number in the low nibble, 0x10 marks the last segment.
    uint8_t ci = static_cast<uint8_t>((last ? 0x10 : 0x00) | (i & 0x0F));
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

namespace {
uint16_t crc16_x25(const uint8_t* data, size_t n) {
  uint16_t crc = 0xFFFF;
  for (size_t i = 0; i < n; ++i) {
    crc ^= data[i];
    for (int b = 0; b < 8; ++b) crc = (crc & 1) ? static_cast<uint16_t>((crc >> 1) ^ 0x8408) : static_cast<uint16_t>(crc >> 1);
  }
  return static_cast<uint16_t>(~crc);
}

uint16_t crc16_arc(const std::string& s) {
  uint16_t crc = 0;
  for (unsigned char c : s) {
    crc ^= c;
    for (int b = 0; b < 8; ++b) crc = (crc & 1) ? static_cast<uint16_t>((crc >> 1) ^ 0xA001) : static_cast<uint16_t>(crc >> 1);
  }
  return crc;
}

Bytes hdlc_frame(const Bytes& info, bool segmented, const Bytes& dst, const Bytes& src, bool closing_flag) {
  Bytes header;
  size_t length = 2 + dst.size() + src.size() + 1 + (info.empty() ? 0 : 2 + info.size()) + 2;
  header.push_back(static_cast<uint8_t>(0xA0 | (segmented ? 0x08 : 0) | ((length >> 8) & 0x07)));
  header.push_back(static_cast<uint8_t>(length));
  header.insert(header.end(), dst.begin(), dst.end());
  header.insert(header.end(), src.begin(), src.end());
  header.push_back(0x13);  // UI frame, final
  Bytes frame = header;
  if (!info.empty()) {
    uint16_t hcs = crc16_x25(header.data(), header.size());
    frame.push_back(static_cast<uint8_t>(hcs));
    frame.push_back(static_cast<uint8_t>(hcs >> 8));
    frame.insert(frame.end(), info.begin(), info.end());
  }
  uint16_t fcs = crc16_x25(frame.data(), frame.size());
  frame.push_back(static_cast<uint8_t>(fcs));
  frame.push_back(static_cast<uint8_t>(fcs >> 8));
  Bytes out;
  out.reserve(frame.size() + 2);
  out.push_back(0x7E);
  out.insert(out.end(), frame.begin(), frame.end());
  if (closing_flag) out.push_back(0x7E);
  return out;
}
}  // namespace

Bytes hdlc_frames(const Bytes& apdu, size_t max_info, const Bytes& dst, const Bytes& src, bool closing_flag) {
  Bytes info{0xE6, 0xE7, 0x00};
  info.insert(info.end(), apdu.begin(), apdu.end());
  Bytes out;
  for (size_t at = 0; at < info.size(); at += max_info) {
    size_t end = std::min(info.size(), at + max_info);
    Bytes part(info.begin() + static_cast<long>(at), info.begin() + static_cast<long>(end));
    Bytes frame = hdlc_frame(part, end < info.size(), dst, src, closing_flag);
    out.insert(out.end(), frame.begin(), frame.end());
  }
  return out;
}

Bytes gbt_block(const Bytes& data, uint16_t number, bool last) {
  Bytes out{0xE0, static_cast<uint8_t>(last ? 0xC0 : 0x40), static_cast<uint8_t>(number >> 8),
            static_cast<uint8_t>(number), 0x00, 0x00};
  put_length(out, data.size());
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

Bytes hdlc_gbt_frames(const Bytes& apdu, size_t block_size) {
  Bytes out;
  uint16_t number = 1;
  for (size_t at = 0; at < apdu.size(); at += block_size, ++number) {
    size_t end = std::min(apdu.size(), at + block_size);
    Bytes block = gbt_block(Bytes(apdu.begin() + static_cast<long>(at), apdu.begin() + static_cast<long>(end)), number,
                            end == apdu.size());
    Bytes info;
    if (number == 1) info = {0xE6, 0xE7, 0x00};
    info.insert(info.end(), block.begin(), block.end());
    Bytes frame = hdlc_frame(info, false, {0xCE, 0xFF}, {0x03}, true);
    out.insert(out.end(), frame.begin(), frame.end());
  }
  return out;
}

Bytes mbus_frames_t210d(const Bytes& apdu) {
  // First frame: C A CI STSAP DTSAP + 252 APDU bytes = 257 bytes, header says 1.
  Bytes body{0x53, 0xFF, 0x00, 0x01, 0x67};
  body.insert(body.end(), apdu.begin(), apdu.begin() + 252);
  uint8_t sum = 0;
  for (uint8_t b : body) sum = static_cast<uint8_t>(sum + b);
  Bytes out;
  out.reserve(4 + body.size() + 2);
  for (uint8_t b : {0x68, 0x01, 0x01, 0x68}) out.push_back(b);
  out.insert(out.end(), body.begin(), body.end());
  out.push_back(sum);
  out.push_back(0x16);
  Bytes rest(apdu.begin() + 252, apdu.end());
  Bytes tail = mbus_frames(rest, 245);
  // The continuation frames are numbered from 1.
  for (size_t at = 0, n = 1; at < tail.size(); ++n) {
    size_t len = tail[at + 1];
    uint8_t& ci = tail[at + 6];
    bool last = (ci & 0x10) != 0;
    ci = static_cast<uint8_t>((last ? 0x10 : 0x00) | (n & 0x0F));
    uint8_t s = 0;
    for (size_t i = at + 4; i < at + 4 + len; ++i) s = static_cast<uint8_t>(s + tail[i]);
    tail[at + 4 + len] = s;
    at += 4 + len + 2;
  }
  out.insert(out.end(), tail.begin(), tail.end());
  return out;
}

Bytes integer(uint8_t type, int64_t value) {
  Bytes out;
  put_integer(out, type, value);
  return out;
}

Bytes octets(const Bytes& bytes) {
  Bytes out;
  put_octets(out, bytes);
  return out;
}

Bytes octets(const std::string& text) {
  Bytes out;
  put_octets(out, text);
  return out;
}

Bytes visible_string(const std::string& text) {
  Bytes out{0x0A};
  put_length(out, text.size());
  out.insert(out.end(), text.begin(), text.end());
  return out;
}

Bytes container(uint8_t tag, const std::vector<Bytes>& elements) {
  Bytes out{tag};
  put_length(out, elements.size());
  for (const Bytes& e : elements) out.insert(out.end(), e.begin(), e.end());
  return out;
}

Bytes structure(const std::vector<Bytes>& elements) { return container(0x02, elements); }
Bytes array(const std::vector<Bytes>& elements) { return container(0x01, elements); }

Bytes scaler_unit(int8_t scaler, uint8_t unit) {
  return Bytes{0x02, 0x02, 0x0F, static_cast<uint8_t>(scaler), 0x16, unit};
}

Bytes capture_object(uint16_t class_id, const Bytes& obis, int8_t attribute, uint16_t data_index) {
  return structure({integer(0x12, class_id), octets(obis), integer(0x0F, attribute), integer(0x12, data_index)});
}

Bytes notification(const DateTime* header_time, const std::vector<Bytes>& elements, uint32_t invoke_id) {
  Bytes out{0x0F, static_cast<uint8_t>(invoke_id >> 24), static_cast<uint8_t>(invoke_id >> 16),
            static_cast<uint8_t>(invoke_id >> 8), static_cast<uint8_t>(invoke_id)};
  if (header_time != nullptr) {
    out.push_back(0x0C);
    Bytes t = header_time->encode();
    out.insert(out.end(), t.begin(), t.end());
  } else {
    out.push_back(0x00);
  }
  out.push_back(0x02);
  put_length(out, elements.size());
  for (const Bytes& e : elements) out.insert(out.end(), e.begin(), e.end());
  return out;
}

std::string dsmr_telegram(const std::string& header, const std::vector<std::string>& lines) {
  std::string text = "/" + header + "\r\n\r\n";
  for (const std::string& line : lines) text += line + "\r\n";
  text += "!";
  char crc[8];
  std::snprintf(crc, sizeof crc, "%04X", crc16_arc(text));
  return text + crc + "\r\n";
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

namespace p1enc {

namespace {
void put_le(Bytes& out, uint64_t v, size_t n) {
  for (size_t i = 0; i < n; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
}  // namespace

Bytes mbus_type_i(const DateTime& t) {
  unsigned year = t.year % 100;
  unsigned weekday = t.weekday >= 1 && t.weekday <= 7 ? t.weekday : 0;
  return Bytes{static_cast<uint8_t>(t.second & 0x3F), static_cast<uint8_t>(t.minute & 0x3F),
               static_cast<uint8_t>((t.hour & 0x1F) | weekday << 5), static_cast<uint8_t>((t.day & 0x1F) | (year & 7) << 5),
               static_cast<uint8_t>((t.month & 0x0F) | (year >> 3) << 4), 0x00};
}

Bytes amis_records(const AmisValues& v) {
  Bytes out{0x2F, 0x2F, 0x06, 0x6D};
  Bytes time = mbus_type_i(v.time);
  out.insert(out.end(), time.begin(), time.end());
  auto record = [&](std::initializer_list<uint8_t> head, uint64_t value) {
    out.insert(out.end(), head);
    put_le(out, value, 4);
  };
  record({0x04, 0x03}, v.energy_import_wh);
  record({0x04, 0x83, 0x3C}, v.energy_export_wh);
  record({0x84, 0x10, 0xFB, 0x82, 0x73}, v.reactive_import_varh);
  record({0x84, 0x10, 0xFB, 0x82, 0xF3, 0x3C}, v.reactive_export_varh);
  record({0x04, 0x2B}, v.power_import_w);
  record({0x04, 0xAB, 0x3C}, v.power_export_w);
  record({0x04, 0xFB, 0x14}, v.reactive_power_import_var);
  record({0x04, 0xFB, 0x94, 0x3C}, v.reactive_power_export_var);
  record({0x04, 0x83, 0xFF, 0x04}, static_cast<uint32_t>(v.inkasso_wh));
  while (out.size() % 16 != 0) out.push_back(0x2F);
  return out;
}

Bytes oms_frame(const Bytes& records, const OmsParams& p) {
  Bytes data = records;
  size_t blocks = p.encrypted_blocks >= 0 ? static_cast<size_t>(p.encrypted_blocks) : data.size() / 16;
  if (p.mode == 5 && blocks * 16 <= data.size()) {
    uint8_t iv[16] = {p.manufacturer[0], p.manufacturer[1], p.ident[0], p.ident[1], p.ident[2], p.ident[3],
                      p.version, p.medium};
    for (int i = 8; i < 16; ++i) iv[i] = p.access_number;
    br_aes_ct64_cbcenc_keys aes;
    br_aes_ct64_cbcenc_init(&aes, p.key, 16);
    br_aes_ct64_cbcenc_run(&aes, iv, data.data(), blocks * 16);
  }
  uint16_t config = p.mode == 5 ? static_cast<uint16_t>(p.mode << 8 | (blocks & 0x0F) << 4) : 0;
  Bytes body{p.control, p.address, p.ci};
  body.insert(body.end(), p.ident, p.ident + 4);
  body.insert(body.end(), {p.manufacturer[0], p.manufacturer[1], p.version, p.medium, p.access_number, p.status,
                           static_cast<uint8_t>(config), static_cast<uint8_t>(config >> 8)});
  body.insert(body.end(), data.begin(), data.end());
  uint8_t sum = 0;
  for (uint8_t b : body) sum = static_cast<uint8_t>(sum + b);
  auto length = static_cast<uint8_t>(body.size());
  // Sized once and filled (GCC 12 at -O3 warns falsely about inserting into
  // a vector made from a short initializer list).
  Bytes out(4 + body.size() + 2);
  out[0] = out[3] = 0x68;
  out[1] = out[2] = length;
  std::copy(body.begin(), body.end(), out.begin() + 4);
  out[4 + body.size()] = sum;
  out[5 + body.size()] = 0x16;
  return out;
}

Bytes mbus_snd_nke(uint8_t address) {
  return Bytes{0x10, 0x40, address, static_cast<uint8_t>(0x40 + address), 0x16};
}

}  // namespace p1enc

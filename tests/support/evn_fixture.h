// Self-made EVN-format telegrams for tests, built with the project's encoder.
#pragma once
#include "p1/crypto/aes_gcm_bearssl.h"
#include "support/testdata.h"

namespace p1test {

constexpr uint8_t kTestKey[16] = {0x36, 0xC6, 0x66, 0x39, 0xE4, 0x8A, 0x8C, 0xA4,
                                  0xD6, 0xBC, 0x8B, 0x28, 0x2A, 0x79, 0x3B, 0xBB};
constexpr uint8_t kTestAuthKey[16] = {0xC0, 0xC1, 0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7,
                                      0xC8, 0xC9, 0xCA, 0xCB, 0xCC, 0xCD, 0xCE, 0xCF};

inline p1enc::CipherParams cipher_params(uint32_t frame_counter, uint8_t security_control = 0x20) {
  p1enc::CipherParams p;
  std::copy(kTestKey, kTestKey + 16, p.key);
  std::copy(kTestAuthKey, kTestAuthKey + 16, p.auth_key);
  p.frame_counter = frame_counter;
  p.security_control = security_control;
  return p;
}

inline p1enc::EvnValues evn_values(uint32_t n) {
  p1enc::EvnValues v;
  v.time.hour = static_cast<uint8_t>(n % 24);
  v.energy_import_wh = 1000000 + n * 7;
  v.energy_export_wh = n * 3;
  v.power_import_w = 500 + n;
  v.voltage_dv[0] = static_cast<uint16_t>(2300 + n % 50);
  v.voltage_dv[1] = 2310;
  v.voltage_dv[2] = 2320;
  v.current_ca[0] = static_cast<uint16_t>(150 + n);
  v.invoke_id = 0x80000000u + n;
  return v;
}

// M-Bus wire bytes of EVN telegram number n.
inline Bytes evn_wire(uint32_t n, uint8_t security_control = 0x20) {
  return p1enc::mbus_frames(p1enc::cipher(p1enc::evn_notification(evn_values(n)), cipher_params(n, security_control)));
}

// A stream with the test key (and optionally the auth key) configured.
struct KeyedStream {
  p1::BearSslAesGcm gcm;
  p1::MeterStream stream{&gcm};
  explicit KeyedStream(bool with_auth_key = false) {
    stream.decoder().set_key(p1::Aes128Key(kTestKey));
    if (with_auth_key) stream.decoder().set_auth_key(p1::AuthKey(kTestAuthKey));
  }
};

}  // namespace p1test

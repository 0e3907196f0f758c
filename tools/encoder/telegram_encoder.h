// Builds real-format meter telegrams from values: A-XDR bodies, the ciphering
// APDU (AES-128-GCM via BearSSL) and M-Bus framing. Used by the tests to make
// telegrams with other keys and values, and by the p1sim meter simulator.
// Host-only code: it allocates freely.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace p1enc {

using Bytes = std::vector<uint8_t>;

struct DateTime {
  uint16_t year = 2024;
  uint8_t month = 1, day = 1, weekday = 1, hour = 0, minute = 0, second = 0;
  int16_t deviation = -60;  // minutes, DLMS sign (local = UTC - deviation)
  uint8_t status = 0x00;
  Bytes encode() const;
};

// One register value as a meter sends it.
struct Register {
  uint8_t obis[6];
  uint8_t type;     // A-XDR type tag (0x06 double-long-unsigned, 0x12 long-unsigned, 0x10 long, ...)
  int64_t raw;      // value before scaling
  int8_t scaler;
  uint8_t unit;
};

// A-XDR primitives.
void put_length(Bytes& out, size_t length);
void put_integer(Bytes& out, uint8_t type, int64_t value);
void put_octets(Bytes& out, const Bytes& bytes);
void put_octets(Bytes& out, const std::string& text);

// The values of an EVN-type meter (Kaifa MA309M).
struct EvnValues {
  DateTime time;
  uint32_t energy_import_wh = 0, energy_export_wh = 0, power_import_w = 0, power_export_w = 0;
  uint16_t voltage_dv[3] = {2300, 0, 0};  // 0.1 V
  uint16_t current_ca[3] = {0, 0, 0};     // 0.01 A
  int16_t power_factor_milli = 1000;      // 0.001
  bool signed_power_factor = false;       // Sagemcom sends it as long (0x10)
  std::string meter_number = "181220000009";
  uint32_t invoke_id = 0x80000001;
};
std::vector<Register> evn_registers(const EvnValues& values);
// Data-notification with the EVN flat body layout.
Bytes evn_notification(const EvnValues& values);
// Data-notification with the KSM-West nested layout (TINETZ, Salzburg...).
Bytes ksm_west_notification(const DateTime& time, const std::vector<Register>& registers,
                            const std::string& meter_number, const std::string& device_name,
                            uint32_t invoke_id = 1);

struct CipherParams {
  uint8_t key[16];
  uint8_t system_title[8] = {'K', 'F', 'M', 0x67, 0x50, 0x00, 0x00, 0x09};
  uint32_t frame_counter = 1;
  uint8_t security_control = 0x20;  // 0x20/0x21 encryption; 0x30 with authentication
  uint8_t auth_key[16] = {};
  uint8_t tag = 0xDB;  // general-glo-ciphering; 0xDF general-ded-ciphering
};
// general-glo-ciphering APDU around `plaintext`.
Bytes cipher(const Bytes& plaintext, const CipherParams& params);

// Splits an APDU into M-Bus long frames of at most `max_apdu_per_frame` APDU
// bytes (EVN: 245), C=0x53 A=0xFF, CI 0x00 ... 0x1n, STSAP 01 DTSAP 67.
Bytes mbus_frames(const Bytes& apdu, size_t max_apdu_per_frame = 245);

// Splits an APDU into HDLC frames (IEC 62056-46) with LLC E6 E7 00 in the
// first, segmentation bit set on all but the last; dst/src addresses as given.
Bytes hdlc_frames(const Bytes& apdu, size_t max_info_per_frame = 200, const Bytes& dst = {0xCF},
                  const Bytes& src = {0x02, 0x23}, bool closing_flag = true);
// The E450 style: the APDU cut into General Block Transfer blocks, each in
// its own (unsegmented) HDLC frame; only the first frame carries the LLC.
Bytes hdlc_gbt_frames(const Bytes& apdu, size_t block_size);
// One GBT block: E0 control number(2) 0000 length data.
Bytes gbt_block(const Bytes& data, uint16_t number, bool last);

// A Sagemcom T210-D first frame: header "68 01 01 68" carrying 257 bytes.
// Returns the frames for an APDU of at least 252 bytes (first frame 252 APDU bytes).
Bytes mbus_frames_t210d(const Bytes& apdu);

// Data-notification whose body is a structure of the given encoded elements.
Bytes notification(const DateTime* header_time, const std::vector<Bytes>& elements, uint32_t invoke_id = 1);
Bytes integer(uint8_t type, int64_t value);
Bytes octets(const Bytes& bytes);
Bytes octets(const std::string& text);

Bytes visible_string(const std::string& text);
Bytes structure(const std::vector<Bytes>& elements);
Bytes array(const std::vector<Bytes>& elements);
// {scaler integer, unit enum}: a register's attribute 3.
Bytes scaler_unit(int8_t scaler, uint8_t unit);
// A capture-object definition of a push setup's push_object_list (DLMS Blue
// Book, interface class 40): {class_id long-unsigned, logical_name
// octet-string(6), attribute_index integer, data_index long-unsigned}.
Bytes capture_object(uint16_t class_id, const Bytes& obis, int8_t attribute, uint16_t data_index = 0);

// ---- EN 13757-3 / OMS (Netz Oberoesterreich's AMIS meters) ---------------

// The values of a Siemens TD-3511 (AMIS): what its spec sample carries.
struct AmisValues {
  DateTime time;  // local time (type I, no offset)
  uint32_t energy_import_wh = 0, energy_export_wh = 0;          // 1.8.0, 2.8.0
  uint32_t reactive_import_varh = 0, reactive_export_varh = 0;  // 3.8.1, 4.8.1
  uint32_t power_import_w = 0, power_export_w = 0;              // 1.7.0, 2.7.0
  uint32_t reactive_power_import_var = 0, reactive_power_export_var = 0;  // 3.7.0, 4.7.0
  int32_t inkasso_wh = 0;                                       // 1.128.0
};
// The data records in the AMIS order, 2F 2F first, padded with 2F to whole
// 16-byte blocks (5 blocks, as the meter sends them).
Bytes amis_records(const AmisValues& values);
// Type I (CP48) date-time, 6 bytes.
Bytes mbus_type_i(const DateTime& time);

struct OmsParams {
  uint8_t key[16] = {};
  uint8_t control = 0x53;     // SND_UD; 0x73 with the FCB
  uint8_t address = 0xF0;     // the reader, 240
  uint8_t ci = 0x5B;
  uint8_t ident[4] = {0, 0, 0, 0};
  uint8_t manufacturer[2] = {0x2D, 0x4C};  // "SAM"
  uint8_t version = 0x01;
  uint8_t medium = 0x0E;
  uint8_t access_number = 0;
  uint8_t status = 0;
  uint8_t mode = 5;           // security mode: 5 AES-128-CBC, 0 none
  int encrypted_blocks = -1;  // -1: all of `records` (a multiple of 16 with mode 5)
};
// One M-Bus long frame 68 L L 68 C A CI header records CS 16, the records
// encrypted with OMS mode 5 (IV: manufacturer ident version medium, access
// number x 8) unless mode is 0.
Bytes oms_frame(const Bytes& records, const OmsParams& params);
// SND_NKE short frame: 10 40 A CS 16.
Bytes mbus_snd_nke(uint8_t address = 0xF0);

// DSMR text telegram with its CRC line.
std::string dsmr_telegram(const std::string& header, const std::vector<std::string>& lines);

Bytes from_hex(const std::string& hex);
std::string to_hex(const Bytes& bytes);

}  // namespace p1enc

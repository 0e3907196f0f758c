#include "p1/output/shelly_em_status.h"

#include "p1/base/text_buffer.h"
#include "p1/output/exact_decimal.h"
#include "p1/output/json_text.h"

namespace p1 {

namespace {

const char kPhase[3] = {'a', 'b', 'c'};

// Rounded to `decimals` places, always with a decimal point.
void put_fixed(TextBuffer& out, const Measured& m, int decimals) {
  if (!m.has || !(m.value == m.value)) {  // absent or NaN
    out.put("null");
    return;
  }
  double scaled = m.value < 0 ? -m.value : m.value;
  for (int i = 0; i < decimals; ++i) scaled *= 10.0;
  if (scaled > 1e18) scaled = 1e18;
  uint64_t magnitude = static_cast<uint64_t>(scaled + 0.5);
  char text[kDecimalMax];
  out.put(text, format_decimal(m.value < 0 && magnitude != 0, magnitude, -decimals, text));
}

void put_number(TextBuffer& out, const char* key, const Measured& m, int decimals, bool& first) {
  put_json_key(out, key, first);
  put_fixed(out, m, decimals);
}

void put_phase_key(TextBuffer& out, int phase, const char* rest, bool& first) {
  char key[32] = {kPhase[phase], '_'};
  size_t n = 2;
  while (*rest != '\0' && n + 1 < sizeof key) key[n++] = *rest++;
  key[n] = '\0';
  put_json_key(out, key, first);
}

Measured product(const Measured& a, const Measured& b) {
  Measured m;
  m.has = a.has && b.has;
  m.value = a.value * b.value;
  return m;
}

Result<size_t> done(const TextBuffer& out) {
  if (out.overflow()) return Error::kOutputTooSmall;
  return out.size();
}

}  // namespace

Result<size_t> shelly_em_status(const GridValues& v, CharSpan buffer) {
  TextBuffer out(buffer);
  bool first = true;
  out.put('{');
  put_json_key(out, "id", first);
  out.put('0');
  bool phases_sent = v.phase_power[0].has || v.phase_power[1].has || v.phase_power[2].has;
  Measured total_apparent;
  for (int p = 0; p < 3; ++p) {
    Measured power = v.phase_power[p];
    if (!phases_sent && v.net_power.has) {
      power.has = true;
      power.value = v.net_power.value / 3.0;
    }
    // |U| x |I|: apparent power by definition, from the meter's own RMS values.
    Measured apparent = product(v.voltage[p], v.current[p]);
    if (apparent.has) {
      total_apparent.has = true;
      total_apparent.value += apparent.value;
    }
    put_phase_key(out, p, "current", first);
    put_fixed(out, v.current[p], 3);
    put_phase_key(out, p, "voltage", first);
    put_fixed(out, v.voltage[p], 1);
    put_phase_key(out, p, "act_power", first);
    put_fixed(out, power, 1);
    put_phase_key(out, p, "aprt_power", first);
    put_fixed(out, apparent, 1);
    put_phase_key(out, p, "pf", first);
    put_fixed(out, v.power_factor, 2);
    put_phase_key(out, p, "freq", first);
    put_fixed(out, v.frequency, 1);
  }
  put_json_key(out, "n_current", first);
  out.put("null");
  put_number(out, "total_current", v.total_current(), 3, first);
  put_number(out, "total_act_power", v.net_power, 1, first);
  put_number(out, "total_aprt_power", total_apparent, 1, first);
  put_json_key(out, "user_calibrated_phase", first);
  out.put("[]");
  out.put('}');
  return done(out);
}

Result<size_t> shelly_emdata_status(const GridValues& v, CharSpan buffer) {
  TextBuffer out(buffer);
  bool first = true;
  out.put('{');
  put_json_key(out, "id", first);
  out.put('0');
  for (int p = 0; p < 3; ++p) {  // the meters send no per-phase energy
    put_phase_key(out, p, "total_act_energy", first);
    out.put("null");
    put_phase_key(out, p, "total_act_ret_energy", first);
    out.put("null");
  }
  put_number(out, "total_act", v.energy_import, 2, first);
  put_number(out, "total_act_ret", v.energy_export, 2, first);
  out.put('}');
  return done(out);
}

// What a Pro 3EM says of itself besides its id (raw JSON values).
struct FixedMember {
  const char* key;
  const char* json;
};
const FixedMember kDeviceInfo[] = {
    {"slot", "1"},
    {"model", "\"SPEM-003CEBEU\""},
    {"gen", "2"},
    {"fw_id", "\"20241011-114455/1.4.4-g6d2a586\""},
    {"ver", "\"1.4.4\""},
    {"app", "\"Pro3EM\""},
    {"auth_en", "false"},
    {"auth_domain", "null"},
    {"profile", "\"triphase\""},
};

Result<size_t> shelly_device_info(const ShellyIdentity& id, CharSpan buffer) {
  TextBuffer out(buffer);
  bool first = true;
  out.put('{');
  put_json_key(out, "name", first);
  out.put("null");
  put_json_key(out, "id", first);
  put_json_string(out, id.device_id);
  put_json_key(out, "mac", first);
  put_json_string(out, id.mac);
  for (const FixedMember& m : kDeviceInfo) {
    put_json_key(out, m.key, first);
    out.put(m.json);
  }
  out.put('}');
  return done(out);
}

}  // namespace p1

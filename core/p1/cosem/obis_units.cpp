#include "p1/cosem/obis_units.h"

#include "p1/cosem/reading.h"

namespace p1 {

namespace {
// Value group C within one phase block (1..20 for the sum of phases, the same
// offsets again at 21..40, 41..60, 61..80 for L1, L2, L3). Comparisons rather
// than a switch: a jump table would be RAM on the ESP8266.
uint8_t quantity_unit(uint8_t c, bool integral) {
  if (c == 1 || c == 2 || c == 15 || c == 16) {  // +P -P |P| P (active)
    return static_cast<uint8_t>(integral ? Unit::kWattHour : Unit::kWatt);
  }
  if (c >= 3 && c <= 8) {  // +Q -Q, Q1..Q4 (reactive)
    return static_cast<uint8_t>(integral ? Unit::kVarHour : Unit::kVar);
  }
  if (c == 9 || c == 10) {  // +S -S (apparent)
    return static_cast<uint8_t>(integral ? Unit::kVoltAmpereHour : Unit::kVoltAmpere);
  }
  if (integral) return 0;
  if (c == 11) return static_cast<uint8_t>(Unit::kAmpere);
  if (c == 12) return static_cast<uint8_t>(Unit::kVolt);
  if (c == 13) return static_cast<uint8_t>(Unit::kUnitless);  // power factor
  if (c == 14) return static_cast<uint8_t>(Unit::kHertz);
  return 0;
}
}  // namespace

uint8_t usual_unit(const Obis& obis) {
  if (obis.v[0] != 1) return 0;  // A = 1: electricity
  uint8_t c = obis.v[2];
  uint8_t d = obis.v[3];
  // D: 1..6 minimum/maximum/average demand and 7 instantaneous are rates; 8..10
  // the time integrals (registers).
  bool rate = d >= 1 && d <= 7;
  bool integral = d >= 8 && d <= 10;
  if (!rate && !integral) return 0;
  if (c == 81) return rate ? static_cast<uint8_t>(Unit::kDegree) : 0;  // phase angles
  if (c == 91) return rate ? static_cast<uint8_t>(Unit::kAmpere) : 0;  // neutral current
  if (c >= 1 && c <= 80) return quantity_unit(static_cast<uint8_t>((c - 1) % 20 + 1), integral);
  return 0;
}

}  // namespace p1

// The answers of a Shelly Pro 3EM (Gen2 RPC), for batteries and micro-inverter
// controllers that regulate on one: EM.GetStatus (power, voltage, current per
// phase and in total), EMData.GetStatus (energy counters) and
// Shelly.GetDeviceInfo, as JSON into a caller's buffer, no heap.
//
// Sign as the Shelly's: active power positive while importing from the grid.
// Numbers always carry a decimal point (some battery firmware parses only
// floats). Values the meter does not send are null, except the per-phase
// active power: Austrian meters send only the total, so when the phases are
// missing each carries a third of it, and clients that add the phases see
// the meter's total (total_act_power is always the meter's own figure).
#pragma once
#include "p1/base/result.h"
#include "p1/base/span.h"
#include "p1/output/grid_values.h"

namespace p1 {

struct ShellyIdentity {
  const char* device_id = "";  // "shellypro3em-<12 hex digits>"
  const char* mac = "";        // the same 12 hex digits
};

// EM.GetStatus?id=0. No current reading (GridValues() or a stale one is the
// caller's to refuse) still builds, with every value null; the servers
// answer kReadingStale instead (see shelly_rpc.h).
Result<size_t> shelly_em_status(const GridValues& values, CharSpan out);
// EMData.GetStatus?id=0 (Wh).
Result<size_t> shelly_emdata_status(const GridValues& values, CharSpan out);
// Shelly.GetDeviceInfo.
Result<size_t> shelly_device_info(const ShellyIdentity& identity, CharSpan out);

}  // namespace p1

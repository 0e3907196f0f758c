// libFuzzer target for the quarter-hour demand state: the saved state from
// arbitrary bytes (a torn or damaged file in the queue folder or in flash),
// then arbitrary readings fed to it. Invariants: a state that loads saves to
// the same bytes; whatever it is fed, the payload formats, peaks and
// quarter-hour energies are never negative, and the state still round-trips.
//
// Input: mode byte (bit 0: fix the CRC first, so the checks behind it are
// reached), kStateSize bytes of state, then 13 bytes per reading.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "p1/demand/quarter_hour.h"
#include "p1/device/settings/crc32.h"
#include "p1/output/demand_json.h"

namespace {

constexpr size_t kState = p1::QuarterHourDemand::kStateSize;

void check(const p1::QuarterHourDemand& d) {
  char out[2048];
  if (!p1::format_demand_json(d, p1::CharSpan(out, sizeof out))) std::abort();
  const p1::DemandPeaks* all[] = {&d.day_peak(), &d.month_peak(), &d.previous_month_peak()};
  for (const p1::DemandPeaks* p : all) {
    if (p->import_peak.mw < 0 || p->export_peak.mw < 0) std::abort();
  }
  if (d.has_last() && d.last().complete && (d.last().import_mwh < 0 || d.last().export_mwh < 0)) std::abort();
  uint8_t a[kState], b[kState];
  if (d.save(p1::MutableByteSpan(a, sizeof a)) != kState) std::abort();
  p1::QuarterHourDemand copy;
  if (copy.load(p1::ByteSpan(a, sizeof a)) != p1::DemandStateError::kNone) std::abort();
  copy.save(p1::MutableByteSpan(b, sizeof b));
  if (std::memcmp(a, b, kState) != 0) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  uint8_t mode = data[0];
  size_t state_size = size - 1 < kState ? size - 1 : kState;
  uint8_t state[kState] = {};
  std::memcpy(state, data + 1, state_size);
  if ((mode & 1) && state_size == kState) {
    uint32_t crc = p1::crc32(p1::ByteSpan(state, kState - 4));
    for (int i = 0; i < 4; ++i) state[kState - 4 + i] = static_cast<uint8_t>(crc >> (8 * i));
  }
  p1::QuarterHourDemand demand((mode >> 1) % 120 + 1);
  if (demand.load(p1::ByteSpan(state, state_size)) == p1::DemandStateError::kNone) {
    uint8_t again[kState];
    demand.save(p1::MutableByteSpan(again, sizeof again));
    if (std::memcmp(again, state, kState) != 0) std::abort();
  }
  check(demand);
  // Readings: time step (signed 16-bit seconds), import and export steps,
  // offset, flags; energies kept within what demand_sample() can produce.
  int64_t seconds = demand.has_sample() ? demand.last_sample().time.seconds : 836524800;
  int64_t import_mwh = demand.has_sample() ? demand.last_sample().import_mwh : 0;
  int64_t export_mwh = demand.has_sample() ? demand.last_sample().export_mwh : 0;
  for (size_t at = 1 + state_size; at + 13 <= size; at += 13) {
    const uint8_t* r = data + at;
    seconds += static_cast<int16_t>(r[0] | r[1] << 8);
    int64_t di = static_cast<int32_t>(r[2] | r[3] << 8 | r[4] << 16 | static_cast<uint32_t>(r[5]) << 24);
    int64_t de = static_cast<int32_t>(r[6] | r[7] << 8 | r[8] << 16 | static_cast<uint32_t>(r[9]) << 24);
    import_mwh = import_mwh + di < 0 ? 0 : import_mwh + di;
    export_mwh = export_mwh + de < 0 ? 0 : export_mwh + de;
    p1::DemandSample s;
    s.time.seconds = seconds;
    s.time.offset_minutes = static_cast<int16_t>(static_cast<int8_t>(r[10]) * 15);  // beyond +-16 h too: refused
    s.time.has_offset = r[12] & 1;
    s.import_mwh = import_mwh;
    s.export_mwh = export_mwh;
    s.has_export = r[12] & 2;
    demand.feed(s);
    check(demand);
  }
  return 0;
}

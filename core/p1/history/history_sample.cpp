#include "p1/history/history_sample.h"

#include "p1/cosem/gateway_fields.h"

namespace p1 {

namespace {

constexpr int64_t kSecondsFrom1970To2000 = kLocalSecondsAt2000;

// |value| in whole units of the register (Wh, W): magnitude x 10^scaler.
bool whole_units(const ReadingValue* v, int64_t& out) {
  if (v == nullptr) return false;
  uint64_t m = v->magnitude;
  for (int s = v->scaler; s > 0; --s) {
    if (m > UINT64_MAX / 10) return false;
    m *= 10;
  }
  for (int s = v->scaler; s < 0; ++s) m /= 10;
  if (m > static_cast<uint64_t>(INT64_MAX)) return false;
  out = v->negative ? -static_cast<int64_t>(m) : static_cast<int64_t>(m);
  return true;
}

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0); }

// Howard Hinnant's civil calendar algorithms (days since 1970-01-01).
int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  int64_t era = floor_div(y, 400);
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void civil_from_days(int64_t z, int64_t& y, int64_t& m) {
  z += 719468;
  int64_t era = floor_div(z, 146097);
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = yoe + era * 400 + (m <= 2 ? 1 : 0);
}

}  // namespace

bool history_sample(const Reading& reading, LocalSeconds fallback, HistorySample& out) {
  out = HistorySample();
  GatewayValues fields(reading);
  // gateway_fields(): w_p w_n p_p p_n first.
  out.has_energy = whole_units(fields.field[0], out.import_wh);
  if (out.has_energy && !whole_units(fields.field[1], out.export_wh)) out.export_wh = 0;
  int64_t power_in = 0, power_out = 0;
  bool in = whole_units(fields.field[2], power_in), outp = whole_units(fields.field[3], power_out);
  out.has_power = in || outp;
  out.net_w = power_in - power_out;
  int64_t since_2000 = 0;
  const DlmsDateTime* clock = reading.timestamp();
  out.from_meter_clock = clock != nullptr && clock->to_local_seconds(since_2000);
  out.at = out.from_meter_clock ? since_2000 + kSecondsFrom1970To2000 : fallback;
  return out.has_energy || out.has_power;
}

LocalSeconds period_start(LocalSeconds at, HistoryPeriod period) {
  switch (period) {
    case HistoryPeriod::kHour: return floor_div(at, 3600) * 3600;
    case HistoryPeriod::kDay: return floor_div(at, 86400) * 86400;
    case HistoryPeriod::kMonth: {
      int64_t y = 0, m = 0;
      civil_from_days(floor_div(at, 86400), y, m);
      return days_from_civil(y, m, 1) * 86400;
    }
  }
  return at;
}

int64_t period_index(LocalSeconds at, HistoryPeriod period) {
  switch (period) {
    case HistoryPeriod::kHour: return floor_div(at, 3600);
    case HistoryPeriod::kDay: return floor_div(at, 86400);
    case HistoryPeriod::kMonth: {
      int64_t y = 0, m = 0;
      civil_from_days(floor_div(at, 86400), y, m);
      return y * 12 + m - 1;
    }
  }
  return 0;
}

LocalSeconds period_next(LocalSeconds start, HistoryPeriod period) {
  switch (period) {
    case HistoryPeriod::kHour: return start + 3600;
    case HistoryPeriod::kDay: return start + 86400;
    case HistoryPeriod::kMonth: return period_start(period_start(start, period) + 32 * 86400, period);
  }
  return start;
}

}  // namespace p1

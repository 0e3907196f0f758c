#include "p1/output/demand_json.h"

#include "p1/output/json_text.h"

namespace p1 {

namespace {

using P = DemandPeriod;
const DemandField kFields[] = {
    {P::kCurrent, false, false},       {P::kCurrent, true, false},
    {P::kLast, false, false},          {P::kLast, true, false},
    {P::kDay, false, false},           {P::kDay, false, true},
    {P::kDay, true, false},            {P::kDay, true, true},
    {P::kMonth, false, false},         {P::kMonth, false, true},
    {P::kMonth, true, false},          {P::kMonth, true, true},
    {P::kPreviousMonth, false, false}, {P::kPreviousMonth, false, true},
    {P::kPreviousMonth, true, false},  {P::kPreviousMonth, true, true},
};

const char* period_name(DemandPeriod p) {
  switch (p) {
    case P::kCurrent: return "current";
    case P::kLast: return "last";
    case P::kDay: return "day_peak";
    case P::kMonth: return "month_peak";
    case P::kPreviousMonth: return "previous_month_peak";
  }
  return "";
}

// Milliwatts as whole watts, half up (energies never go down, so never negative).
void put_watts(TextBuffer& out, int64_t mw) { put_json_uint(out, static_cast<uint64_t>(mw < 0 ? 0 : (mw + 500) / 1000)); }

void put_time(TextBuffer& out, const MeterTime& t) {
  char iso[DlmsDateTime::kIsoMax];
  size_t n = t.to_date_time().to_iso(iso);
  put_json_string(out, Span<const char>(iso, n));
}

void put_key(TextBuffer& out, const char* key) {
  out.put(",\"");
  out.put(key);
  out.put("\":");
}

// The value of one figure, or null.
void put_figure(TextBuffer& out, const QuarterHourDemand& d, const DemandField& f) {
  if (f.period == P::kCurrent) {
    int64_t import_mw = 0, export_mw = 0, elapsed = 0;
    if (!d.running(import_mw, export_mw, elapsed)) return out.put("null");
    return put_watts(out, f.is_export ? export_mw : import_mw);
  }
  if (f.period == P::kLast) {
    const QuarterHour& q = d.last();
    if (!d.has_last() || !q.complete || (f.is_export && !q.has_export)) return out.put("null");
    return put_watts(out, f.is_export ? q.export_mw() : q.import_mw());
  }
  const DemandPeaks& peaks = f.period == P::kDay     ? d.day_peak()
                             : f.period == P::kMonth ? d.month_peak()
                                                     : d.previous_month_peak();
  const DemandPeak& p = f.is_export ? peaks.export_peak : peaks.import_peak;
  if (!p.valid) return out.put("null");
  if (f.timestamp) return put_time(out, p.start);
  put_watts(out, p.mw);
}

}  // namespace

Span<const DemandField> demand_fields() { return Span<const DemandField>(kFields); }

void put_demand_key(TextBuffer& out, const DemandField& f) {
  out.put(period_name(f.period));
  out.put(f.is_export ? "_export" : "_import");
  out.put(f.timestamp ? "_start" : "_w");
}

void put_demand_title(TextBuffer& out, const DemandField& f) {
  out.put("Demand ");
  for (const char* c = period_name(f.period); *c != '\0'; ++c) out.put(*c == '_' ? ' ' : *c);
  out.put(f.is_export ? " export" : " import");
  if (f.timestamp) out.put(" start");
}

Result<size_t> format_demand_json(const QuarterHourDemand& d, CharSpan buffer) {
  TextBuffer out(buffer);
  bool with_export = d.has_sample() && d.last_sample().has_export;
  int64_t import_mw = 0, export_mw = 0, elapsed = 0;
  bool running = d.running(import_mw, export_mw, elapsed);
  out.put("{\"timestamp\":");
  if (d.has_sample()) {
    put_time(out, d.last_sample().time);
  } else {
    out.put("null");
  }
  put_key(out, "current_start");
  if (d.has_sample()) {
    put_time(out, d.current_start());
  } else {
    out.put("null");
  }
  put_key(out, "current_complete");
  put_json_bool(out, d.current_complete_so_far());
  put_key(out, "current_seconds");
  if (running) {
    put_json_uint(out, static_cast<uint64_t>(elapsed));
  } else {
    out.put("null");
  }
  for (const DemandField& f : kFields) {
    if (f.is_export && !with_export) continue;
    if (f.period == P::kLast && !f.is_export) {
      put_key(out, "last_start");
      if (d.has_last()) {
        put_time(out, d.last().start);
      } else {
        out.put("null");
      }
      put_key(out, "last_complete");
      put_json_bool(out, d.has_last() && d.last().complete);
    }
    out.put(",\"");
    put_demand_key(out, f);
    out.put("\":");
    put_figure(out, d, f);
  }
  out.put('}');
  if (out.overflow()) return Error::kOutputTooSmall;
  return out.size();
}

}  // namespace p1

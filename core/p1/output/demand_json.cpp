#include "p1/output/demand_json.h"

#include "p1/base/text_buffer.h"
#include "p1/output/json_text.h"

namespace p1 {

namespace {

const DemandField kFields[] = {
    {"current_import_w", "Quarter hour import, running", false, false},
    {"current_export_w", "Quarter hour export, running", false, true},
    {"last_import_w", "Last quarter hour import", false, false},
    {"last_export_w", "Last quarter hour export", false, true},
    {"day_peak_import_w", "Peak quarter hour import, today", false, false},
    {"day_peak_import_start", "Peak quarter hour import, today, start", true, false},
    {"day_peak_export_w", "Peak quarter hour export, today", false, true},
    {"day_peak_export_start", "Peak quarter hour export, today, start", true, true},
    {"month_peak_import_w", "Peak quarter hour import, month", false, false},
    {"month_peak_import_start", "Peak quarter hour import, month, start", true, false},
    {"month_peak_export_w", "Peak quarter hour export, month", false, true},
    {"month_peak_export_start", "Peak quarter hour export, month, start", true, true},
    {"previous_month_peak_import_w", "Peak quarter hour import, previous month", false, false},
    {"previous_month_peak_import_start", "Peak quarter hour import, previous month, start", true, false},
    {"previous_month_peak_export_w", "Peak quarter hour export, previous month", false, true},
    {"previous_month_peak_export_start", "Peak quarter hour export, previous month, start", true, true},
};

void put_key(TextBuffer& out, const char* prefix, const char* name) {
  out.put(",\"");
  out.put(prefix);
  out.put(name);
  out.put("\":");
}

// Milliwatts as whole watts, half up (energies never go down, so never negative).
void put_watts(TextBuffer& out, int64_t mw) { put_json_uint(out, static_cast<uint64_t>(mw < 0 ? 0 : (mw + 500) / 1000)); }

void put_time(TextBuffer& out, const MeterTime& t) {
  char iso[DlmsDateTime::kIsoMax];
  size_t n = t.to_date_time().to_iso(iso);
  put_json_string(out, Span<const char>(iso, n));
}

void put_peaks(TextBuffer& out, const char* prefix, const DemandPeaks& peaks, bool with_export) {
  for (int direction = 0; direction < (with_export ? 2 : 1); ++direction) {
    const DemandPeak& p = direction == 0 ? peaks.import_peak : peaks.export_peak;
    put_key(out, prefix, direction == 0 ? "import_w" : "export_w");
    if (p.valid) {
      put_watts(out, p.mw);
    } else {
      out.put("null");
    }
    put_key(out, prefix, direction == 0 ? "import_start" : "export_start");
    if (p.valid) {
      put_time(out, p.start);
    } else {
      out.put("null");
    }
  }
}

}  // namespace

Span<const DemandField> demand_fields() { return Span<const DemandField>(kFields); }

Result<size_t> format_demand_json(const QuarterHourDemand& d, CharSpan buffer) {
  TextBuffer out(buffer);
  bool with_export = d.has_sample() && d.last_sample().has_export;
  out.put("{\"timestamp\":");
  if (d.has_sample()) {
    put_time(out, d.last_sample().time);
  } else {
    out.put("null");
  }
  out.put(",\"current_start\":");
  if (d.has_sample()) {
    put_time(out, d.current_start());
  } else {
    out.put("null");
  }
  int64_t import_mw = 0, export_mw = 0, elapsed = 0;
  bool running = d.running(import_mw, export_mw, elapsed);
  out.put(",\"current_complete\":");
  put_json_bool(out, d.current_complete_so_far());
  out.put(",\"current_seconds\":");
  if (running) {
    put_json_uint(out, static_cast<uint64_t>(elapsed));
  } else {
    out.put("null");
  }
  for (int direction = 0; direction < (with_export ? 2 : 1); ++direction) {
    put_key(out, "current_", direction == 0 ? "import_w" : "export_w");
    if (running) {
      put_watts(out, direction == 0 ? import_mw : export_mw);
    } else {
      out.put("null");
    }
  }
  const QuarterHour& last = d.last();
  out.put(",\"last_start\":");
  if (d.has_last()) {
    put_time(out, last.start);
  } else {
    out.put("null");
  }
  out.put(",\"last_complete\":");
  put_json_bool(out, d.has_last() && last.complete);
  for (int direction = 0; direction < (with_export ? 2 : 1); ++direction) {
    put_key(out, "last_", direction == 0 ? "import_w" : "export_w");
    bool known = d.has_last() && last.complete && (direction == 0 || last.has_export);
    if (known) {
      put_watts(out, direction == 0 ? last.import_mw() : last.export_mw());
    } else {
      out.put("null");
    }
  }
  put_peaks(out, "day_peak_", d.day_peak(), with_export);
  put_peaks(out, "month_peak_", d.month_peak(), with_export);
  put_peaks(out, "previous_month_peak_", d.previous_month_peak(), with_export);
  out.put('}');
  if (out.overflow()) return Error::kOutputTooSmall;
  return out.size();
}

}  // namespace p1

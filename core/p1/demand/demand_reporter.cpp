#include "p1/demand/demand_reporter.h"

namespace p1 {

DemandReporter::Step DemandReporter::on_reading(const Reading& reading) {
  Step step;
  DemandSample sample;
  if (!demand_sample(reading, sample)) return step;
  DemandUpdate u = demand_.feed(sample);
  if (!u.accepted) return step;
  step.accepted = true;
  step.cause = u.cause;
  dirty_ = true;
  step.save = u.closed > 0;
  if (!has_figures()) return step;  // a fresh start inside a quarter hour: nothing to say yet
  int64_t now = sample.time.seconds;
  // A clock that went back (now < published_at_) publishes at once: the
  // figures it touches changed.
  if (u.closed == 0 && published_ && now >= published_at_ && now - published_at_ < kRunningEverySeconds) return step;
  published_ = true;
  published_at_ = now;
  step.publish = true;
  return step;
}

bool DemandReporter::has_figures() const {
  int64_t import_mw = 0, export_mw = 0, elapsed = 0;
  return demand_.has_last() || demand_.running(import_mw, export_mw, elapsed) ||
         demand_.month_peak().import_peak.valid || demand_.previous_month_peak().import_peak.valid;
}

bool DemandReporter::last_ended(Ended& out) const {
  if (!demand_.has_last()) return false;
  const QuarterHour& q = demand_.last();
  out.start = local_from_2000(q.start.local_seconds());
  out.import_w = q.import_mw() / 1000;
  out.export_w = q.export_mw() / 1000;
  out.complete = q.complete;
  return true;
}

}  // namespace p1

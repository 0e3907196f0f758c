#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "p1/output/status_json.h"

namespace {

TEST(StatusJson, EveryCounterByNameAndStringsEscaped) {
  p1::StreamCounters counters;
  counters.bytes = 1234;
  counters.decrypt_errors = 7;
  counters.readings = 99;
  p1::StatusReport report;
  report.meter = "barn \"west\"\\1";
  report.source = "tcp://10.0.0.5:2000\n";
  report.connected = true;
  report.counters = &counters;
  report.queue = 3;
  report.published = 42;
  report.dropped = 1;
  report.has_heap = true;
  report.free_heap = 40000;
  report.min_free_heap = 31000;
  char out[1024];
  auto n = p1::format_status(report, p1::CharSpan(out, sizeof out));
  ASSERT_TRUE(n);
  nlohmann::json j = nlohmann::json::parse(std::string(out, *n));  // throws if the escaping is wrong
  EXPECT_EQ(j["meter"], "barn \"west\"\\1");
  EXPECT_EQ(j["source"], "tcp://10.0.0.5:2000\n");
  EXPECT_EQ(j["connected"], true);
  EXPECT_EQ(j["bytes"], 1234);
  EXPECT_EQ(j["decrypt_errors"], 7);
  EXPECT_EQ(j["readings"], 99);
  EXPECT_EQ(j["queue"], 3);
  EXPECT_EQ(j["published"], 42);
  EXPECT_EQ(j["dropped"], 1);
  EXPECT_EQ(j["free_heap"], 40000);
  EXPECT_EQ(j["min_free_heap"], 31000);
  for (const p1::CounterField& c : p1::counter_fields()) EXPECT_TRUE(j.contains(c.name().host_string())) << c.name().host_string();
}

TEST(StatusJson, TooSmallABufferIsAnErrorNotATruncatedPayload) {
  p1::StreamCounters counters;
  p1::StatusReport report;
  report.counters = &counters;
  char out[40];
  auto n = p1::format_status(report, p1::CharSpan(out, sizeof out));
  ASSERT_FALSE(n);
  EXPECT_EQ(n.error(), p1::Error::kOutputTooSmall);
}

}  // namespace

// FlashText, the core's way to read constant text that the device keeps in
// flash (core/p1/base/flash_text.h): the same results as plain strings.
#include <gtest/gtest.h>

#include "p1/base/flash_text.h"
#include "p1/base/platform.h"
#include "p1/base/text_buffer.h"

namespace {

TEST(FlashText, ReadsComparesAndCopies) {
  p1::FlashText t = P1_TEXT("frame_counter_gaps");
  EXPECT_EQ(t.size(), 18u);
  EXPECT_FALSE(t.empty());
  EXPECT_TRUE(P1_TEXT("").empty());
  EXPECT_EQ(t.at(6), 'c');
  EXPECT_TRUE(t.equals(p1::Span<const char>("frame_counter_gaps", 18)));
  EXPECT_FALSE(t.equals(p1::Span<const char>("frame_counter_gap", 17)));   // a prefix is not equal
  EXPECT_FALSE(t.equals(p1::Span<const char>("frame_counter_gapsX", 19)));  // nor a longer text
  char small[6];
  EXPECT_EQ(t.copy(p1::CharSpan(small, sizeof small)), 5u);
  EXPECT_STREQ(small, "frame");
  char buffer[32];
  p1::TextBuffer out(p1::CharSpan(buffer, sizeof buffer));
  out.put(P1_TEXT("a"));
  out.put(t);
  EXPECT_EQ(std::string(buffer, out.size()), "aframe_counter_gaps");
  p1::TextBuffer tiny(p1::CharSpan(buffer, 4));
  tiny.put(t);
  EXPECT_TRUE(tiny.overflow());
}

struct Collect final : p1::TextOutput {
  std::string text;
  int calls = 0;
  void print(const char* s) override {
    text += s;
    ++calls;
  }
  using p1::TextOutput::print;
};

TEST(FlashText, PrintsInPiecesThroughATextOutput) {
  Collect c;
  c.print(P1_TEXT("Press 's' within 10 seconds to edit settings, 'c' to clear them.\r\n"));
  EXPECT_EQ(c.text, "Press 's' within 10 seconds to edit settings, 'c' to clear them.\r\n");
  EXPECT_EQ(c.calls, 3);  // 32 characters a piece
}

}  // namespace

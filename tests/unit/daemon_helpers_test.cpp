// Small parts of `p1bridge run`: the once-a-minute warnings, the queue's
// fallback directory, and the README naming every environment variable.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "config_keys.h"
#include "log.h"
#include "state_dir.h"

namespace {

TEST(WarningThrottle, OncePerCausePerMinuteThenTheCount) {
  p1d::WarningThrottle throttle(60000);
  std::vector<std::string> reports;
  auto report = [&](const std::string& summary, uint64_t count) {
    reports.push_back(summary + " x" + std::to_string(count));
  };
  EXPECT_TRUE(throttle.allow("wrong key", "meter m: wrong key", 0));
  for (int i = 1; i <= 57; ++i) EXPECT_FALSE(throttle.allow("wrong key", "meter m: wrong key", i * 1000));
  EXPECT_TRUE(throttle.allow("checksum", "meter m: checksum", 5000)) << "another cause is logged at once";
  throttle.flush(59999, report);
  EXPECT_TRUE(reports.empty()) << "nothing before the minute is over";
  throttle.flush(60000, report);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0], "meter m: wrong key x57");
  throttle.flush(65000, report);
  EXPECT_EQ(reports.size(), 1u) << "the checksum cause did not repeat: no summary";
  EXPECT_TRUE(throttle.allow("wrong key", "meter m: wrong key", 61000)) << "after the summary, at once again";
}

TEST(StateDir, UserStateDirectoryFollowsXdgThenHome) {
  const char* old_xdg = std::getenv("XDG_STATE_HOME");
  std::string saved = old_xdg ? old_xdg : "";
  setenv("XDG_STATE_HOME", "/x/state", 1);
  EXPECT_EQ(p1d::user_state_dir(), "/x/state/p1bridge");
  unsetenv("XDG_STATE_HOME");
  setenv("HOME", "/home/anna", 1);
  EXPECT_EQ(p1d::user_state_dir(), "/home/anna/.local/state/p1bridge");
  if (old_xdg) setenv("XDG_STATE_HOME", saved.c_str(), 1);
}

TEST(StateDir, AnExplicitDirectoryThatCannotBeUsedIsRefusedWithTheCause) {
  char tmpl[] = "/tmp/p1stateXXXXXX";
  std::string dir = mkdtemp(tmpl);
  std::ofstream(dir + "/file") << "x";
  p1d::Config config;
  config.queue_dir = dir + "/file/queue";
  std::string note;
  std::string error = p1d::resolve_queue_dir(config, note);
  EXPECT_NE(error.find("queue.dir: cannot use " + dir + "/file/queue"), std::string::npos) << error;
  config.queue_dir = dir + "/new/queue";
  EXPECT_EQ(p1d::resolve_queue_dir(config, note), "");
  EXPECT_EQ(config.queue_dir, dir + "/new/queue") << "a usable directory is kept (and created)";
  EXPECT_EQ(access((dir + "/new/queue").c_str(), W_OK), 0);
  std::system(("rm -rf " + dir).c_str());
}

TEST(Readme, NamesEveryEnvironmentVariable) {
  std::ifstream in(std::string(P1_SOURCE_DIR) + "/README.md");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string readme = ss.str();
  for (const p1d::ConfigKey* k = p1d::config_keys_begin(); k != p1d::config_keys_end(); ++k) {
    if (k->env == nullptr) continue;
    EXPECT_NE(readme.find(std::string("`") + k->env + "`"), std::string::npos) << k->env << " is not in README.md";
  }
}

}  // namespace

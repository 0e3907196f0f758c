// `p1bridge setup` through a pseudo-terminal, typed the way a person types:
// one key at a time, with mistakes, and Ctrl-D.
#include <gtest/gtest.h>
#include <pty.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "harness.h"

namespace {

class Terminal {
 public:
  explicit Terminal(const std::string& config) {
    pid_ = forkpty(&master_, nullptr, nullptr, nullptr);
    if (pid_ == 0) {
      execl(p1it::p1bridge_bin().c_str(), "p1bridge", "setup", "--config", config.c_str(), nullptr);
      _exit(127);
    }
  }
  ~Terminal() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    close(master_);
  }
  // Types `keys` one by one and collects what the program prints.
  void type(const std::string& keys) {
    for (char c : keys) {
      (void)!write(master_, &c, 1);
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      drain(5);
    }
    drain(50);
  }
  // Reads until `text` appeared (the program is ready for input: before its
  // first prompt the terminal is not yet raw and would echo what is typed).
  bool wait_for(const std::string& text, int ms = 10000) {
    auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (screen_.find(text) == std::string::npos) {
      if (std::chrono::steady_clock::now() > end) return false;
      drain(20);
    }
    return true;
  }
  int wait() {
    drain(200);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  const std::string& screen() const { return screen_; }

 private:
  void drain(int ms) {
    char buffer[4096];
    auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (std::chrono::steady_clock::now() < end) {
      fd_set set;
      FD_ZERO(&set);
      FD_SET(master_, &set);
      timeval tv{0, 2000};
      if (select(master_ + 1, &set, nullptr, nullptr, &tv) > 0) {
        ssize_t n = read(master_, buffer, sizeof buffer);
        if (n <= 0) return;
        screen_.append(buffer, static_cast<size_t>(n));
      }
    }
  }
  int master_ = -1;
  pid_t pid_ = -1;
  std::string screen_;
};

TEST(Setup, WizardWritesAPrivateConfigThatRunAccepts) {
  std::string dir = p1it::temp_dir("setup");
  std::string config = dir + "/p1bridge.toml";
  Terminal t(config);
  ASSERT_TRUE(t.wait_for("MQTT broker address")) << t.screen();
  t.type("broker.lan\r");                            // MQTT broker address
  t.type("70000\r");                                 // port: refused, asked again
  t.type("8883\r");
  t.type("\r\r");                                    // fingerprint, user
  t.type("s3cret-pass\r");                           // MQTT password (secret)
  t.type("\r");                                      // client id
  t.type("home/power\r");                            // base
  t.type("12\r");                                    // topics + JSON
  t.type("\r");                                      // web key: generated
  t.type("36C66639E48A8CA4D6BC8B282A793BBx\r");      // meter key with a typo: refused
  t.type("36C66639E48A8CA4D6BC8B282A793BBB\r");
  t.type("\r\r\r\r\r");                              // auth key, profile, discovery, baud, format
  t.type("/dev/ttyUSB1\r");                          // meter port
  t.type("\r");                                      // acknowledge the meter (AMIS): kept on
  EXPECT_EQ(t.wait(), 0) << t.screen();

  const std::string& screen = t.screen();
  EXPECT_NE(screen.find("expected a port number 1-65535"), std::string::npos) << screen;
  EXPECT_NE(screen.find("expected 32 hex digits"), std::string::npos) << screen;
  EXPECT_NE(screen.find("Webpage key generated: "), std::string::npos);
  EXPECT_EQ(screen.find("s3cret-pass"), std::string::npos) << "a secret was echoed";
  EXPECT_EQ(screen.find("36C66639E48A8CA4D6BC8B282A793BBB"), std::string::npos) << "a key was echoed";

  struct stat st {};
  ASSERT_EQ(stat(config.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::string text = p1it::read_text(config);
  EXPECT_NE(text.find("host = 'broker.lan'"), std::string::npos) << text;
  EXPECT_NE(text.find("port = 8883"), std::string::npos);
  EXPECT_NE(text.find("password = 's3cret-pass'"), std::string::npos);
  EXPECT_NE(text.find("modes = [ 'topics', 'json' ]"), std::string::npos);
  EXPECT_NE(text.find("source = '/dev/ttyUSB1'"), std::string::npos);
  EXPECT_NE(text.find("key = '36C66639E48A8CA4D6BC8B282A793BBB'"), std::string::npos);

  // p1bridge run accepts what setup wrote.
  p1it::Process check;
  ASSERT_TRUE(check.start({p1it::p1bridge_bin(), "run", "--config", config, "--check"}, dir + "/check.log"));
  EXPECT_EQ(check.wait(5000), 0) << p1it::read_text(dir + "/check.log");

  // Editing again shows current values; Ctrl-D leaves the file as it was.
  Terminal again(config);
  ASSERT_TRUE(again.wait_for("MQTT broker address")) << again.screen();
  again.type("\r\r\r\r");  // host, port, fingerprint, user: kept
  EXPECT_NE(again.screen().find("MQTT port [8883]"), std::string::npos) << again.screen();
  EXPECT_NE(again.screen().find("MQTT password [set, Enter keeps it]"), std::string::npos) << again.screen();
  again.type("\x04");
  EXPECT_EQ(again.wait(), 1);
  EXPECT_NE(again.screen().find("nothing was changed"), std::string::npos);
  EXPECT_EQ(p1it::read_text(config), text);
}

}  // namespace

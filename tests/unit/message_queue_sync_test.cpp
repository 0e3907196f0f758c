// When the queue's journal reaches the disk: fdatasync() is counted by
// interposing it (the daemon library is linked statically into this test, so
// its calls resolve here first) and passed on to the C library.
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>

#include "message_queue.h"

namespace {
std::atomic<int> g_datasyncs{0};
}  // namespace

extern "C" int fdatasync(int fd) {
  using Real = int (*)(int);
  static Real real = reinterpret_cast<Real>(dlsym(RTLD_NEXT, "fdatasync"));
  ++g_datasyncs;
  return real(fd);
}

namespace {

using p1d::Message;
using p1d::MessageQueue;

TEST(MessageQueueSync, ReadingsAreSyncedOncePerLoopIterationAndNotesWithinASecond) {
  std::string dir = std::string(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") + "/p1q-sync-" +
                    std::to_string(getpid());
  std::system(("rm -rf '" + dir + "'").c_str());
  {
    MessageQueue q;
    ASSERT_EQ(q.open(dir, 100), "");
    int before = g_datasyncs;
    // One loop iteration: three readings, one sync for all of them.
    for (int i = 0; i < 3; ++i) q.push(Message{"smartmeter/json", std::to_string(i), 1, false});
    EXPECT_EQ(g_datasyncs, before) << "group commit: the pushes themselves do not wait for the disk";
    q.commit(10000);
    EXPECT_EQ(g_datasyncs, before + 1) << "the readings of this iteration were not synced";
    q.commit(10001);
    EXPECT_EQ(g_datasyncs, before + 1) << "nothing new, yet synced again";

    // Delivered notes alone: synced within a second, not per iteration.
    q.mark_in_flight(q.at(0).seq);
    ASSERT_TRUE(q.acknowledge(q.at(0).seq));
    q.commit(10500);
    EXPECT_EQ(g_datasyncs, before + 1);
    q.commit(11000);
    EXPECT_EQ(g_datasyncs, before + 2) << "an acknowledgement note stayed unsynced for over a second";

    q.push(Message{"smartmeter/json", "3", 1, false});
    q.commit(11001);
    EXPECT_EQ(g_datasyncs, before + 3);
  }
  std::system(("rm -rf '" + dir + "'").c_str());
}

}  // namespace

#include "state_dir.h"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace p1d {

namespace {
std::string user_name() {
  if (const passwd* pw = getpwuid(geteuid())) return pw->pw_name;
  return std::to_string(geteuid());
}

// 0 when `dir` exists (or was created) and is writable, else errno.
int usable(const std::string& dir) {
  if (!make_dirs(dir)) return errno;
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return errno;
  if (!S_ISDIR(st.st_mode)) return ENOTDIR;
  if (::access(dir.c_str(), W_OK | X_OK) != 0) return errno;
  return 0;
}
}  // namespace

bool make_dirs(const std::string& path) {
  if (path.empty()) {
    errno = ENOENT;
    return false;
  }
  for (size_t at = 1; at <= path.size(); ++at) {
    if (at != path.size() && path[at] != '/') continue;
    std::string part = path.substr(0, at);
    if (::mkdir(part.c_str(), 0700) != 0 && errno != EEXIST) return false;
  }
  return true;
}

std::string user_state_dir() {
  const char* xdg = std::getenv("XDG_STATE_HOME");
  if (xdg != nullptr && xdg[0] == '/') return std::string(xdg) + "/p1bridge";
  const char* home = std::getenv("HOME");
  std::string h = home != nullptr && home[0] != '\0' ? home : "";
  if (h.empty()) {
    if (const passwd* pw = getpwuid(geteuid())) h = pw->pw_dir;
  }
  return h + "/.local/state/p1bridge";
}

std::string resolve_queue_dir(Config& config, std::string& note) {
  const std::string dir = config.queue_dir;
  int e = usable(dir);
  if (e == 0) return {};
  if (dir == kSystemQueueDir && (e == EACCES || e == EPERM || e == EROFS)) {
    std::string fallback = user_state_dir();
    int f = usable(fallback);
    if (f == 0) {
      config.queue_dir = fallback;
      note = "queue: " + dir + " is not writable by " + user_name() + " (" + std::strerror(e) + "); using " + fallback +
             " instead (the service and root use " + dir + "; set queue.dir or --queue-dir to choose)";
      return {};
    }
    return "queue.dir: " + dir + " is not writable (" + std::strerror(e) + ") and neither is " + fallback + " (" +
           std::strerror(f) + "): give a directory you can write with --queue-dir or P1BRIDGE_QUEUE_DIR";
  }
  std::string fix;
  if (e == EACCES || e == EPERM) {
    fix = ": " + user_name() + " may not write there: give a directory you can write (--queue-dir, P1BRIDGE_QUEUE_DIR), "
          "or fix its owner (sudo chown -R " + user_name() + " " + dir + ")";
  } else if (e == EROFS) {
    fix = ": the file system is read-only: give another directory with --queue-dir";
  } else if (e == ENOTDIR) {
    fix = ": it is not a directory";
  }
  return "queue.dir: cannot use " + dir + ": " + std::strerror(e) + fix;
}

}  // namespace p1d

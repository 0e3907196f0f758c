// Where `p1bridge run` keeps its queue and state: the configured directory,
// or, when that is the system default (/var/lib/p1bridge) and not writable
// by the user running it, $XDG_STATE_HOME/p1bridge or
// ~/.local/state/p1bridge. A normal user's first run works without sudo; the
// log says which directory was taken and why.
#pragma once
#include <string>

#include "config.h"

namespace p1d {

constexpr const char* kSystemQueueDir = "/var/lib/p1bridge";

// The per-user fallback ($XDG_STATE_HOME/p1bridge, else ~/.local/state/p1bridge).
std::string user_state_dir();

// Checks config.queue_dir (creating it), falls back as above and updates
// config.queue_dir. `note` gets a line for the log when it fell back. Returns
// an error naming the directory, the cause and the fix; empty if fine.
std::string resolve_queue_dir(Config& config, std::string& note);

// Creates `path` and its parents (mode 0700 for new ones); errno on failure.
bool make_dirs(const std::string& path);

}  // namespace p1d

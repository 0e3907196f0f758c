// The journal of p1bridge before format 2 (no checksums, a side file
// counting delivered records), read once so an upgrade keeps what was queued.
#pragma once
#include <string>
#include <vector>

#include "message.h"

namespace p1d {

// True if the file at `journal` starts like a format-1 journal.
bool is_legacy_journal(const std::string& journal);
// The undelivered messages of a format-1 journal and its "acked" side file.
// Stops at the first record that is cut short or implausible.
std::vector<Message> read_legacy_journal(const std::string& journal, const std::string& acked);

}  // namespace p1d

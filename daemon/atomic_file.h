// Replacing a small file so that a crash or power cut leaves the old or the
// new content, never a mix: write <path>.tmp, fsync it, rename it over
// <path>, fsync the folder.
#pragma once
#include <sys/types.h>

#include <string>

namespace p1d {

// Error message naming the file and the cause, empty on success.
std::string write_file_atomically(const std::string& path, const void* data, size_t size, mode_t mode = 0600);

// The whole file, up to `max` bytes (more is read as max + 1 so a caller can
// tell an oversized file); false when it cannot be opened.
bool read_small_file(const std::string& path, std::string& out, size_t max);

}  // namespace p1d

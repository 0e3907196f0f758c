// Runs a libFuzzer target without libFuzzer: every file named on the command
// line (or in a directory named there) is passed to LLVMFuzzerTestOneInput
// once. Used for the -m32 build (scripts/test-m32.sh), where the seed corpora
// and the crash reproducers must run through the 32-bit core.
#include <dirent.h>
#include <sys/stat.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {
size_t run_file(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return 0;
  std::vector<uint8_t> bytes;
  uint8_t buffer[65536];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) bytes.insert(bytes.end(), buffer, buffer + n);
  std::fclose(f);
  LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
  return 1;
}

size_t run_path(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return 0;
  if (!S_ISDIR(st.st_mode)) return run_file(path);
  size_t count = 0;
  if (DIR* d = opendir(path.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string name = e->d_name;
      if (name != "." && name != "..") count += run_path(path + "/" + name);
    }
    closedir(d);
  }
  return count;
}
}  // namespace

int main(int argc, char** argv) {
  size_t count = 0;
  for (int i = 1; i < argc; ++i) count += run_path(argv[i]);
  std::printf("%s: %zu inputs ran\n", argc > 0 ? argv[0] : "fuzz", count);
  return 0;
}

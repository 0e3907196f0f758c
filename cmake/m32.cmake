# Toolchain file for 32-bit x86 builds on a 64-bit Debian host (multiarch
# i386 libraries): size_t and pointers are 32 bits, as on the ESP8266, so
# length arithmetic that would wrap there wraps here too.
# Used by scripts/test-m32.sh:  cmake -DCMAKE_TOOLCHAIN_FILE=cmake/m32.cmake ...
set(CMAKE_SYSTEM_PROCESSOR i686)
set(CMAKE_C_FLAGS_INIT "-m32")
set(CMAKE_CXX_FLAGS_INIT "-m32")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-m32")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-m32")
set(CMAKE_MODULE_LINKER_FLAGS_INIT "-m32")
set(CMAKE_LIBRARY_ARCHITECTURE i386-linux-gnu)
# Only the i386 libraries: never link a 64-bit one found first.
set(CMAKE_IGNORE_PATH /usr/lib/x86_64-linux-gnu /lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu/cmake)

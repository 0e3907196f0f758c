/* Loaded into p1bridge with LD_PRELOAD by the tests, to stand in for a DNS
 * server without sending a packet anywhere: getaddrinfo() for a name ending
 * in ".hang.p1test" never returns (a resolver that does not answer), for
 * ".slower.p1test" it answers 127.0.0.1 after 2 s, for other ".p1test" names
 * after 300 ms (slow ones).
 * Every other name goes to the C library as usual. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netdb.h>
#include <string.h>
#include <unistd.h>

static int ends_with(const char* s, const char* suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

int getaddrinfo(const char* node, const char* service, const struct addrinfo* hints, struct addrinfo** res) {
  typedef int (*real_t)(const char*, const char*, const struct addrinfo*, struct addrinfo**);
  real_t real;
  void* symbol = dlsym(RTLD_NEXT, "getaddrinfo");
  memcpy(&real, &symbol, sizeof real); /* POSIX: dlsym's object pointer holds a function */
  /* A numeric-only lookup never asks a server: the C library answers it. */
  if (hints != NULL && (hints->ai_flags & AI_NUMERICHOST)) return real(node, service, hints, res);
  if (node != NULL && ends_with(node, ".hang.p1test")) {
    for (;;) sleep(60);
  }
  if (node != NULL && ends_with(node, ".slower.p1test")) {
    sleep(2);
    return real("127.0.0.1", service, hints, res);
  }
  if (node != NULL && ends_with(node, ".p1test")) {
    usleep(300000);
    return real("127.0.0.1", service, hints, res);
  }
  return real(node, service, hints, res);
}

// The SunSpec Modbus TCP meter of one meter (libmodbus): answers read
// requests (function 3 and 4) for unit `unit_id` from the register image the
// core builds (p1/output/sunspec_meter.h); writes are refused.
//
// It runs inside the run loop, not on a thread of its own: libmodbus parses
// and answers a request in one call once its first byte is there, and the
// loop already waits on descriptors. Its listening socket and connections sit
// in an epoll set of their own, whose one descriptor the run loop watches,
// so connections coming and going never touch the loop's registrations.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "p1/output/sunspec_meter.h"

typedef struct _modbus modbus_t;
typedef struct _modbus_mapping_t modbus_mapping_t;

namespace p1d {

class SunSpecServer {
 public:
  SunSpecServer(std::string bind, int port, uint8_t unit_id);
  ~SunSpecServer();
  SunSpecServer(const SunSpecServer&) = delete;
  SunSpecServer& operator=(const SunSpecServer&) = delete;

  std::string start();  // listens; "" or why not
  int fd() const { return epoll_fd_; }
  // Replaces what is served (kSunSpecRegisterCount registers from 40000).
  void set_image(const uint16_t* registers);
  // The epoll descriptor is readable: accept, answer, close what closed.
  void service();
  size_t clients() const { return clients_.size(); }

 private:
  void drop(int fd);
  std::string bind_;
  int port_;
  uint8_t unit_id_;
  modbus_t* ctx_ = nullptr;
  modbus_mapping_t* map_ = nullptr;
  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  std::vector<int> clients_;
};

}  // namespace p1d

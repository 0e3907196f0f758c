// The Shelly Pro 3EM emulation of one meter: HTTP RPC (GET /rpc/<Method>,
// /shelly, POST /rpc) and, unless its port is 0, JSON-RPC over UDP. The answers are the
// core's (p1/output/shelly_rpc.h); this only moves them.
//
// HTTP is cpp-httplib's server, which blocks in its own accept loop: it runs
// on its own thread, as the configuration page does, and reads the current
// values under a mutex. The UDP socket is one descriptor answered in the run
// loop.
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "p1/output/grid_values.h"
#include "p1/output/shelly_em_status.h"

namespace p1d {

class ShellyServer {
 public:
  // `device_hex`: 12 hex digits naming the emulated device (its "MAC").
  ShellyServer(std::string bind, int http_port, int udp_port, uint32_t stale_after_s, const std::string& device_hex);
  ~ShellyServer();
  ShellyServer(const ShellyServer&) = delete;
  ShellyServer& operator=(const ShellyServer&) = delete;

  std::string start();  // binds both; "" or why not
  int udp_fd() const { return udp_fd_; }
  // The latest reading's values and when they were taken (steady ms).
  void update(const p1::GridValues& values, int64_t taken_ms);
  // The UDP socket is readable: answer each datagram waiting.
  void service_udp(int64_t now_ms);

 private:
  struct Http;
  // The HTTP body answering one call with the values current at `now_ms`.
  std::string http_answer(const std::string& method, uint64_t component, int64_t now_ms, int& http_status);
  bool current(int64_t now_ms, p1::GridValues& out);
  // The JSON-RPC reply frame to a request (UDP datagram or POST /rpc body);
  // false when the request is malformed (there is nothing to reply to).
  bool rpc_frame(const char* request, size_t size, int64_t now_ms, std::string& reply);

  std::string bind_;
  int http_port_;
  int udp_port_;
  uint32_t stale_after_s_;
  std::string device_id_, mac_;
  p1::ShellyIdentity identity_;
  std::mutex mutex_;  // values_ and taken_ms_: the HTTP thread reads them
  p1::GridValues values_;
  int64_t taken_ms_ = 0;
  bool have_ = false;
  int udp_fd_ = -1;
  std::unique_ptr<Http> http_;
  std::thread thread_;
};

}  // namespace p1d

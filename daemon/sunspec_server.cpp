#include "sunspec_server.h"

#include <errno.h>
#include <modbus.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "log.h"

namespace p1d {

namespace {
// An inverter keeps one connection; a few more allow a second reader
// (mbpoll, Home Assistant) without letting a scanner use up descriptors.
constexpr size_t kMaxClients = 8;
// A request arrives in one segment on a LAN; a client that stops in the
// middle of one holds the run loop at most this long.
constexpr uint32_t kByteTimeoutUs = 200000;
}  // namespace

SunSpecServer::SunSpecServer(std::string bind, int port, uint8_t unit_id)
    : bind_(std::move(bind)), port_(port), unit_id_(unit_id) {}

SunSpecServer::~SunSpecServer() {
  for (int fd : clients_) close(fd);
  if (listen_fd_ >= 0) close(listen_fd_);
  if (epoll_fd_ >= 0) close(epoll_fd_);
  if (map_ != nullptr) modbus_mapping_free(map_);
  if (ctx_ != nullptr) {
    modbus_set_socket(ctx_, -1);  // its descriptors are closed above
    modbus_free(ctx_);
  }
}

std::string SunSpecServer::start() {
  std::string where = "sunspec: " + bind_ + ":" + std::to_string(port_) + ": ";
  std::string port = std::to_string(port_);
  ctx_ = modbus_new_tcp_pi(bind_.c_str(), port.c_str());
  map_ = modbus_mapping_new_start_address(0, 0, 0, 0, p1::kSunSpecBaseRegister, p1::kSunSpecRegisterCount,
                                          p1::kSunSpecBaseRegister, p1::kSunSpecRegisterCount);
  if (ctx_ == nullptr || map_ == nullptr) return where + "cannot set up libmodbus: " + modbus_strerror(errno);
  modbus_set_byte_timeout(ctx_, 0, kByteTimeoutUs);
  modbus_set_response_timeout(ctx_, 0, kByteTimeoutUs);
  listen_fd_ = modbus_tcp_pi_listen(ctx_, 8);
  if (listen_fd_ < 0) {
    return where + "cannot listen: " + std::strerror(errno) +
           (errno == EACCES ? " (ports below 1024 need root or CAP_NET_BIND_SERVICE)" : "");
  }
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = listen_fd_;
  if (epoll_fd_ < 0 || epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &ev) != 0) {
    return where + "epoll: " + std::strerror(errno);
  }
  P1_LOG_INFO("sunspec: meter served on %s:%d, unit %u", bind_.c_str(), port_, unit_id_);
  return {};
}

void SunSpecServer::set_image(const uint16_t* registers) {
  std::memcpy(map_->tab_registers, registers, p1::kSunSpecRegisterCount * sizeof(uint16_t));
  std::memcpy(map_->tab_input_registers, registers, p1::kSunSpecRegisterCount * sizeof(uint16_t));
}

void SunSpecServer::drop(int fd) {
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  close(fd);
  clients_.erase(std::remove(clients_.begin(), clients_.end(), fd), clients_.end());
}

void SunSpecServer::service() {
  epoll_event events[16];
  int n = epoll_wait(epoll_fd_, events, 16, 0);
  for (int e = 0; e < n; ++e) {
    int fd = events[e].data.fd;
    if (fd == listen_fd_) {
      int client = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (client < 0) continue;
      if (clients_.size() >= kMaxClients) {
        P1_LOG_WARN("sunspec: %zu connections open already, refusing another", clients_.size());
        close(client);
        continue;
      }
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.fd = client;
      if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, client, &ev) != 0) {
        close(client);
        continue;
      }
      clients_.push_back(client);
      continue;
    }
    uint8_t query[MODBUS_TCP_MAX_ADU_LENGTH];
    modbus_set_socket(ctx_, fd);
    int length = modbus_receive(ctx_, query);
    if (length < 0) {
      drop(fd);  // closed by the client, or not Modbus
      continue;
    }
    if (length == 0) continue;
    // MBAP header: the unit id is byte 6, the function code byte 7.
    int unit = query[6], function = query[7];
    int rc;
    if (unit != unit_id_) {
      rc = modbus_reply_exception(ctx_, query, MODBUS_EXCEPTION_GATEWAY_TARGET);
    } else if (function != MODBUS_FC_READ_HOLDING_REGISTERS && function != MODBUS_FC_READ_INPUT_REGISTERS) {
      rc = modbus_reply_exception(ctx_, query, MODBUS_EXCEPTION_ILLEGAL_FUNCTION);  // read-only meter
    } else {
      rc = modbus_reply(ctx_, query, length, map_);
    }
    if (rc < 0) drop(fd);
  }
  modbus_set_socket(ctx_, -1);
}

}  // namespace p1d

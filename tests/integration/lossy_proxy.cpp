#include "lossy_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace p1it {

namespace {
sockaddr_in loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  return addr;
}

// Whole MQTT packets at the front of `buffer` go to `out` unless of type
// `lose`; a partial one stays for the next read.
void filter_packets(std::string& buffer, int lose, std::string& out) {
  for (;;) {
    size_t length = 0, at = 1;
    int shift = 0;
    bool complete = false;
    while (at < buffer.size() && at <= 4) {
      uint8_t b = static_cast<uint8_t>(buffer[at++]);
      length |= static_cast<size_t>(b & 0x7F) << shift;
      shift += 7;
      if ((b & 0x80) == 0) {
        complete = true;
        break;
      }
    }
    if (!complete || buffer.size() < at + length) return;
    if ((static_cast<uint8_t>(buffer[0]) >> 4) != lose) out.append(buffer, 0, at + length);
    buffer.erase(0, at + length);
  }
}

// Closing with a zero linger sends RST instead of FIN.
void reset(int fd) {
  linger l{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  close(fd);
}
}  // namespace

LossyProxy::LossyProxy(int broker_port) : broker_port_(broker_port) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr = loopback(0);
  bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  listen(listen_fd_, 4);
  thread_ = std::thread([this] { run(); });
}

LossyProxy::~LossyProxy() {
  stop_ = true;
  thread_.join();
  close(listen_fd_);
}

void LossyProxy::cut() {
  int wanted = ++cuts_requested_;
  auto end = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (cuts_done_ < wanted && std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void LossyProxy::run() {
  struct Pair {
    int client, broker;
    std::string from_client;  // a partial packet
  };
  std::vector<Pair> pairs;
  while (!stop_) {
    if (cuts_done_ < cuts_requested_) {
      int wanted = cuts_requested_;
      for (const Pair& p : pairs) {
        reset(p.client);
        reset(p.broker);
      }
      pairs.clear();
      lose_replies_ = false;
      lose_type_ = 0;
      cuts_done_ = wanted;
    }
    std::vector<pollfd> fds{{listen_fd_, POLLIN, 0}};
    for (const Pair& p : pairs) {
      fds.push_back({p.client, POLLIN, 0});
      fds.push_back({p.broker, POLLIN, 0});
    }
    if (poll(fds.data(), fds.size(), 20) <= 0) continue;
    if (fds[0].revents & POLLIN) {
      int client = accept(listen_fd_, nullptr, nullptr);
      int broker = socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in addr = loopback(broker_port_);
      if (client >= 0 && connect(broker, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
        pairs.push_back({client, broker, {}});
      } else {
        if (client >= 0) close(client);
        close(broker);
      }
    }
    std::vector<Pair> alive;
    for (size_t i = 0; i < pairs.size(); ++i) {
      Pair& p = pairs[i];
      bool open = true;
      for (int side = 0; side < 2 && open; ++side) {
        if (!(fds[1 + 2 * i + static_cast<size_t>(side)].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        int from = side == 0 ? p.client : p.broker;
        int to = side == 0 ? p.broker : p.client;
        char buffer[16384];
        ssize_t n = read(from, buffer, sizeof buffer);
        if (n <= 0) {
          open = false;
        } else if (side == 0) {
          // Always cut into packets, so filtering can start at any moment.
          p.from_client.append(buffer, static_cast<size_t>(n));
          std::string out;
          filter_packets(p.from_client, lose_type_, out);
          open = out.empty() || write(to, out.data(), out.size()) == static_cast<ssize_t>(out.size());
        } else if (!lose_replies_) {
          open = write(to, buffer, static_cast<size_t>(n)) == n;
        }
      }
      if (open) {
        alive.push_back(p);
      } else {
        close(p.client);
        close(p.broker);
      }
    }
    pairs = alive;
  }
  for (const Pair& p : pairs) {
    close(p.client);
    close(p.broker);
  }
}

}  // namespace p1it

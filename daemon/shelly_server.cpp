#include "shelly_server.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

#include "log.h"
#include "p1/output/freshness.h"
#include "p1/output/shelly_rpc.h"

namespace p1d {

namespace {
int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
constexpr size_t kAnswerMax = 2048;
}  // namespace

struct ShellyServer::Http {
  httplib::Server server;
};

ShellyServer::ShellyServer(std::string bind, int http_port, int udp_port, uint32_t stale_after_s,
                           const std::string& device_hex)
    : bind_(std::move(bind)),
      http_port_(http_port),
      udp_port_(udp_port),
      stale_after_s_(stale_after_s),
      device_id_("shellypro3em-" + device_hex),
      mac_(device_hex) {
  identity_.device_id = device_id_.c_str();
  identity_.mac = mac_.c_str();
}

ShellyServer::~ShellyServer() {
  if (http_) http_->server.stop();
  if (thread_.joinable()) thread_.join();
  if (udp_fd_ >= 0) close(udp_fd_);
}

void ShellyServer::update(const p1::GridValues& values, int64_t taken_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  values_ = values;
  taken_ms_ = taken_ms;
  have_ = true;
}

bool ShellyServer::current(int64_t now_ms, p1::GridValues& out) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!have_ || !p1::reading_is_fresh(static_cast<uint64_t>(now_ms - taken_ms_), stale_after_s_)) return false;
  out = values_;
  return true;
}

std::string ShellyServer::http_answer(const std::string& method, uint64_t component, int64_t now_ms,
                                      int& http_status) {
  p1::GridValues values;
  bool fresh = current(now_ms, values);
  p1::Span<const char> name(method.data(), method.size());
  char text[kAnswerMax];
  p1::ShellyAnswer a = p1::shelly_answer(p1::shelly_method(name), name, component, fresh ? &values : nullptr,
                                         identity_, p1::CharSpan(text, sizeof text));
  http_status = a.too_small ? 500 : a.http_status();
  if (a.too_small) return "{\"code\":-1,\"message\":\"answer too large\"}";
  if (a.code == 0) return std::string(text, a.length);
  char body[kAnswerMax];
  auto json = p1::shelly_error_json(a, p1::Span<const char>(text, a.length), p1::CharSpan(body, sizeof body));
  return json ? std::string(body, *json) : std::string("{}");
}

std::string ShellyServer::start() {
  std::string where = "shelly: " + bind_ + ":";
  http_ = std::make_unique<Http>();
  auto call = [this](const httplib::Request& req, httplib::Response& res, const std::string& method) {
    uint64_t component = 0;
    if (req.has_param("id")) {
      const std::string id = req.get_param_value("id");
      char* end = nullptr;
      unsigned long long v = std::strtoull(id.c_str(), &end, 10);
      component = id.empty() || *end != '\0' || id[0] == '-' ? UINT64_MAX : v;
    }
    int status = 200;
    std::string body = http_answer(method, component, steady_ms(), status);
    res.status = status;
    res.set_content(body, "application/json");
  };
  http_->server.Get(R"(/rpc/([A-Za-z0-9_.]{1,40}))", [call](const httplib::Request& req, httplib::Response& res) {
    call(req, res, req.matches[1]);
  });
  // Gen2 devices describe themselves at /shelly; clients look there first.
  http_->server.Get("/shelly", [call](const httplib::Request& req, httplib::Response& res) {
    call(req, res, "Shelly.GetDeviceInfo");
  });
  // JSON-RPC in a POST body, as the Shelly app and some controllers call it: the same frame as over UDP.
  http_->server.Post("/rpc", [this](const httplib::Request& req, httplib::Response& res) {
    std::string reply;
    if (!rpc_frame(req.body.data(), req.body.size(), steady_ms(), reply)) {
      res.status = 400;
      res.set_content("{\"code\":-103,\"message\":\"malformed JSON-RPC request\"}", "application/json");
      return;
    }
    res.set_content(reply, "application/json");
  });
  if (!http_->server.bind_to_port(bind_.c_str(), http_port_)) {
    return where + std::to_string(http_port_) + ": cannot listen (port in use, or below 1024 without root)";
  }
  thread_ = std::thread([this] { http_->server.listen_after_bind(); });

  if (udp_port_ != 0) {
    addrinfo hints{}, *found = nullptr;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST;
    std::string port = std::to_string(udp_port_);
    if (getaddrinfo(bind_.c_str(), port.c_str(), &hints, &found) != 0 || found == nullptr) {
      return where + port + ": not a numeric address";
    }
    udp_fd_ = socket(found->ai_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    if (udp_fd_ >= 0) setsockopt(udp_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    bool bound = udp_fd_ >= 0 && ::bind(udp_fd_, found->ai_addr, found->ai_addrlen) == 0;
    freeaddrinfo(found);
    if (!bound) return where + port + "/udp: cannot listen: " + std::strerror(errno);
  }
  P1_LOG_INFO("shelly: Pro 3EM %s served on http %s:%d, udp %s", device_id_.c_str(), bind_.c_str(), http_port_,
              udp_port_ == 0 ? "off" : std::to_string(udp_port_).c_str());
  return {};
}

bool ShellyServer::rpc_frame(const char* request, size_t size, int64_t now_ms, std::string& reply) {
  p1::ShellyRpcRequest rpc;
  p1::ShellyRpcError e = p1::parse_shelly_rpc(p1::Span<const char>(request, size), rpc);
  if (e != p1::ShellyRpcError::kNone) {
    P1_LOG_DEBUG("shelly: rpc request refused: %s", p1::describe(e));
    return false;  // nothing to answer to: no id to put in a reply
  }
  p1::GridValues values;
  bool fresh = current(now_ms, values);
  char text[kAnswerMax], frame[kAnswerMax + 256];
  p1::Span<const char> name(rpc.method_name, rpc.method_length);
  p1::ShellyAnswer a = p1::shelly_answer(rpc.method, name, rpc.component, fresh ? &values : nullptr, identity_,
                                         p1::CharSpan(text, sizeof text));
  if (a.too_small) return false;
  auto r = p1::shelly_rpc_reply(rpc, device_id_.c_str(), a, p1::Span<const char>(text, a.length),
                                p1::CharSpan(frame, sizeof frame));
  if (!r) return false;
  reply.assign(frame, *r);
  return true;
}

void ShellyServer::service_udp(int64_t now_ms) {
  for (int i = 0; i < 16; ++i) {  // a burst, then back to the loop
    char request[p1::kShellyMaxDatagram + 1];
    sockaddr_storage from{};
    socklen_t from_length = sizeof from;
    ssize_t n = recvfrom(udp_fd_, request, sizeof request, 0, reinterpret_cast<sockaddr*>(&from), &from_length);
    if (n < 0) return;
    std::string reply;
    if (!rpc_frame(request, static_cast<size_t>(n), now_ms, reply)) continue;
    sendto(udp_fd_, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&from), from_length);
  }
}

}  // namespace p1d

// The core's Modbus TCP server (p1/output/modbus_tcp.h, what the device
// serves) behind a small POSIX socket loop on loopback, read by real
// clients: mbpoll and the pymodbus SunSpec walk of
// tests/integration/inverter_clients.py, compared with the reading of a real
// telegram; and, request by request over a raw socket, byte for byte against
// the Linux program's libmodbus server (p1d::SunSpecServer) serving the same
// image.
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"
#include "p1/crypto/aes_gcm_bearssl.h"
#include "p1/output/grid_values.h"
#include "p1/output/modbus_tcp.h"
#include "telegram_encoder.h"
#include "p1/output/sunspec_meter.h"
#include "sunspec_server.h"
#include "support/testdata.h"

namespace {

using Bytes = std::vector<uint8_t>;
using nlohmann::json;

const std::string kClients = std::string(P1_SOURCE_DIR) + "/tests/integration/inverter_clients.py";
constexpr uint8_t kUnit = 1;

// The core's server as a device runs it: one framer per connection, each
// request answered from the image as soon as its last byte is in.
class CoreServer {
 public:
  explicit CoreServer(const uint16_t* image) : image_(image, p1::kSunSpecRegisterCount) {}
  ~CoreServer() { stop(); }

  bool start() {
    listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int on = 1;
    setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;  // a free port, chosen by the kernel
    socklen_t size = sizeof a;
    if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(listen_fd_, 8) != 0 ||
        getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &size) != 0 || pipe2(wake_, O_CLOEXEC) != 0) {
      return false;
    }
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { loop(); });
    return true;
  }
  void stop() {
    if (thread_.joinable()) {
      char c = 0;
      (void)!write(wake_[1], &c, 1);
      thread_.join();
    }
    for (Client& c : clients_) close(c.fd);
    clients_.clear();
    for (int fd : {listen_fd_, wake_[0], wake_[1]}) {
      if (fd >= 0) close(fd);
    }
    listen_fd_ = wake_[0] = wake_[1] = -1;
  }
  int port() const { return port_; }
  // Errors that closed a connection, in order.
  std::vector<p1::ModbusTcpError> errors() const {
    std::vector<p1::ModbusTcpError> out;
    for (int i = 0, n = error_count_.load(); i < n; ++i) out.push_back(errors_[i]);
    return out;
  }

 private:
  struct Client {
    int fd;
    p1::ModbusTcpFramer framer;
  };

  void loop() {
    for (;;) {
      std::vector<pollfd> fds = {{wake_[0], POLLIN, 0}, {listen_fd_, POLLIN, 0}};
      for (const Client& c : clients_) fds.push_back({c.fd, POLLIN, 0});
      if (poll(fds.data(), fds.size(), 1000) < 0 && errno != EINTR) return;
      if (fds[0].revents != 0) return;
      std::vector<size_t> closed;
      for (size_t i = 2; i < fds.size(); ++i) {
        if (fds[i].revents != 0 && !serve(clients_[i - 2])) closed.push_back(i - 2);
      }
      for (size_t i = closed.size(); i-- > 0;) {
        close(clients_[closed[i]].fd);
        clients_.erase(clients_.begin() + static_cast<long>(closed[i]));
      }
      if (fds[1].revents & POLLIN) {
        int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) clients_.push_back({fd, {}});
      }
    }
  }

  // False when the connection is to be closed.
  bool serve(Client& c) {
    uint8_t in[512];
    ssize_t n = recv(c.fd, in, sizeof in, 0);
    if (n < 0) return errno == EAGAIN || errno == EINTR;
    if (n == 0) return false;
    p1::ByteSpan bytes(in, static_cast<size_t>(n));
    while (!bytes.empty()) {
      p1::ModbusTcpRequest request;
      p1::ModbusTcpFeed fed = c.framer.feed(bytes, request);
      bytes = bytes.subspan(fed.consumed);
      if (fed.error != p1::ModbusTcpError::kNone) {
        int at = error_count_.load();
        if (at < kMaxErrors) errors_[at] = fed.error, error_count_.store(at + 1);
        return false;
      }
      if (!fed.complete) break;
      uint8_t out[p1::kModbusTcpMaxAdu];
      p1::ModbusTcpAnswer a =
          p1::modbus_tcp_answer(request, image_, p1::kSunSpecBaseRegister, kUnit, p1::MutableByteSpan(out));
      if (!send_all(c.fd, out, a.length)) return false;
    }
    return true;
  }

  static bool send_all(int fd, const uint8_t* data, size_t size) {
    while (size > 0) {
      ssize_t n = send(fd, data, size, MSG_NOSIGNAL);
      if (n < 0 && errno == EAGAIN) {
        pollfd p{fd, POLLOUT, 0};
        if (poll(&p, 1, 2000) <= 0) return false;
        continue;
      }
      if (n <= 0) return false;
      data += n;
      size -= static_cast<size_t>(n);
    }
    return true;
  }

  static constexpr int kMaxErrors = 16;
  p1::Span<const uint16_t> image_;
  int listen_fd_ = -1;
  int wake_[2] = {-1, -1};
  int port_ = 0;
  std::thread thread_;
  std::vector<Client> clients_;
  p1::ModbusTcpError errors_[kMaxErrors] = {};
  std::atomic<int> error_count_{0};
};

// The Linux program's server, serviced as its run loop does.
class LinuxServer {
 public:
  explicit LinuxServer(const uint16_t* image) : port_(p1it::free_port()), server_("127.0.0.1", port_, kUnit) {
    image_ = image;
  }
  ~LinuxServer() { stop(); }
  std::string start() {
    std::string why = server_.start();
    if (!why.empty()) return why;
    server_.set_image(image_);
    thread_ = std::thread([this] {
      while (!stop_) {
        pollfd p{server_.fd(), POLLIN, 0};
        if (poll(&p, 1, 50) > 0) server_.service();
      }
    });
    return {};
  }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int port() const { return port_; }

 private:
  int port_;
  p1d::SunSpecServer server_;
  const uint16_t* image_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// A client connection on loopback.
class Connection {
 public:
  explicit Connection(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(port));
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  ~Connection() { close(fd_); }
  bool connected() const { return connected_; }
  bool send_bytes(const Bytes& b) {
    return send(fd_, b.data(), b.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(b.size());
  }
  // One response ADU (header, then as many bytes as its length says); empty
  // when none came within the time or the server closed the connection.
  Bytes response(int timeout_ms = 3000) {
    Bytes out;
    size_t want = 6;
    while (out.size() < want) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, timeout_ms) <= 0) return {};
      uint8_t b[300];
      ssize_t n = recv(fd_, b, std::min(sizeof b, want - out.size()), 0);
      if (n <= 0) return {};
      out.insert(out.end(), b, b + n);
      if (out.size() == 6) want = 6 + (out[4] << 8 | out[5]);
    }
    return out;
  }
  // True when the server closed the connection (end of stream) in time.
  bool closed_by_server(int timeout_ms = 3000) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, timeout_ms) <= 0) return false;
    uint8_t b[16];
    return recv(fd_, b, sizeof b, 0) == 0;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

// Frames written as spaced hex (the encoder's reader skips the spaces).
Bytes hex(const std::string& text) { return p1enc::from_hex(text); }

std::string to_hex(const Bytes& b) {
  std::string out;
  char two[4];
  for (uint8_t c : b) {
    std::snprintf(two, sizeof two, "%02X", c);
    out += two;
  }
  return out;
}

std::string run(const std::string& command) { return p1it::command_output(command); }

using p1it::mbpoll;

bool have_clients(std::string& missing) {
  if (run("command -v mbpoll").empty()) missing += "mbpoll ";
  if (run("/usr/bin/python3 -c 'import pymodbus' && echo ok").find("ok") == std::string::npos)
    missing += "python3-pymodbus ";
  return missing.empty();
}

bool near(const json& got, double want, double tolerance = 1e-4) {
  return got.is_number() && std::fabs(got.get<double>() - want) <= tolerance * std::max(1.0, std::fabs(want));
}

// The image of a real telegram with voltages and currents on three phases
// (Salzburg Netz, Kaifa MA309M, plaintext): 229.2/231.6/231.4 V,
// 1.65/1.73/0.37 A, 714 W import, 1,327,456 Wh.
struct RealImage {
  p1::BearSslAesGcm gcm;
  p1::MeterStream stream{&gcm};
  p1::GridValues values;
  uint16_t image[p1::kSunSpecRegisterCount] = {};

  void build() {
    json t = p1test::load_telegram("at-salzburgnetz-kaifa-plaintext");
    ASSERT_TRUE(p1test::set_keys(stream, t));
    auto outcomes = p1test::run_stream(stream, p1enc::from_hex(t["hex"]));
    ASSERT_EQ(p1test::count_readings(outcomes), 1u);
    values = p1::GridValues(stream.reading());
    ASSERT_TRUE(values.voltage[2].has && values.current[2].has && values.net_power.has);
    p1::SunSpecIdentity id;
    id.serial = "1KFM0200234804";
    id.version = "0.1.0";
    id.unit_id = kUnit;
    ASSERT_TRUE(p1::build_sunspec_meter(values, id, p1::Span<uint16_t>(image)));
  }
};

TEST(ModbusTcpCore, MbpollAndPymodbusReadTheCoreServerAsTheReadingSays) {
  std::string missing;
  if (!have_clients(missing)) GTEST_SKIP() << "not installed: " << missing << "(scripts/install-deps.sh installs them)";
  RealImage real;
  ASSERT_NO_FATAL_FAILURE(real.build());
  CoreServer server(real.image);
  ASSERT_TRUE(server.start());
  int port = server.port();
  const p1::GridValues& v = real.values;

  // pymodbus walks the models as a SunSpec client does.
  std::string out = run("/usr/bin/python3 " + kClients + " sunspec " + std::to_string(port));
  json map = json::parse(out, nullptr, false);
  ASSERT_FALSE(map.is_discarded()) << out;
  EXPECT_EQ(map["marker"], "SunS");
  EXPECT_EQ(map["models"], json::parse("[[1,65],[213,124],[65535,0]]"));
  EXPECT_EQ(map["mn"], "Fronius");
  EXPECT_EQ(map["md"], "Smart Meter 63A");
  EXPECT_EQ(map["sn"], "1KFM0200234804");
  EXPECT_EQ(map["da"], kUnit);
  const json& p = map["points"];
  EXPECT_TRUE(near(p["W"], v.net_power.value)) << p.dump();
  EXPECT_TRUE(near(p["W"], 714.0)) << p.dump();
  EXPECT_TRUE(near(p["TotWhImp"], v.energy_import.value)) << p.dump();
  EXPECT_TRUE(near(p["TotWhExp"], v.energy_export.value)) << p.dump();
  const char* voltages[] = {"PhVphA", "PhVphB", "PhVphC"};
  const char* currents[] = {"AphA", "AphB", "AphC"};
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(near(p[voltages[i]], v.voltage[i].value)) << voltages[i] << " " << p.dump();
    EXPECT_TRUE(near(p[currents[i]], v.current[i].value)) << currents[i] << " " << p.dump();
  }
  EXPECT_TRUE(near(p["PhVphB"], 231.6));
  EXPECT_TRUE(near(p["A"], v.total_current().value));
  EXPECT_TRUE(near(p["PhV"], v.average_voltage().value));
  EXPECT_TRUE(p["Hz"].is_null());  // not sent by this meter
  EXPECT_TRUE(p["PF"].is_null());

  // mbpoll: the marker, the model ids and lengths, the end model, the power
  // as a float, holding and input registers alike.
  EXPECT_EQ(mbpoll(port, 40001, 4, "4:hex"), (std::vector<std::string>{"0x5375", "0x6E53", "0x0001", "0x0041"}));
  EXPECT_EQ(mbpoll(port, 40001, 2, "3:hex"), (std::vector<std::string>{"0x5375", "0x6E53"}));
  EXPECT_EQ(mbpoll(port, 40070, 2, "4"), (std::vector<std::string>{"213", "124"}));
  EXPECT_EQ(mbpoll(port, 40196, 2, "4:hex"), (std::vector<std::string>{"0xFFFF", "0x0000"}));
  std::vector<std::string> power = mbpoll(port, 40098, 1, "4:float");
  EXPECT_NEAR(std::stod(power[0]), v.net_power.value, 0.01) << power[0];
  std::vector<std::string> phase_b = mbpoll(port, 40084, 1, "3:float");
  EXPECT_NEAR(std::stod(phase_b[0]), 231.6, 0.01) << phase_b[0];
  // Another unit id is not this meter; writes are refused; past the end is refused.
  EXPECT_NE(mbpoll(port, 40001, 1, "4:hex", 2)[0].find("failed"), std::string::npos);
  std::string write = run("mbpoll -m tcp -p " + std::to_string(port) + " -a 1 -r 40098 -1 -o 2 127.0.0.1 7");
  EXPECT_NE(write.find("ailed"), std::string::npos) << write;
  EXPECT_NE(write.find("Illegal function"), std::string::npos) << write;
  EXPECT_NE(mbpoll(port, 40197, 2, "4:hex")[0].find("Illegal data address"), std::string::npos);
  EXPECT_TRUE(server.errors().empty());
  server.stop();
}

struct Case {
  const char* what;
  const char* request;
};

// Requests both servers frame alike (libmodbus goes by the function code,
// the core by the MBAP length: the same end for these).
const Case kCases[] = {
    {"marker", "0001 0000 0006 01 03 9C40 0002"},
    {"common model, input registers", "0002 0000 0006 01 04 9C42 0043"},
    {"first 125", "0003 0000 0006 01 03 9C40 007D"},
    {"the rest", "0004 0000 0006 01 04 9CBD 0048"},
    {"model 213 header", "0005 0000 0006 01 03 9C85 0002"},
    {"W as float", "0006 0000 0006 01 03 9CA1 0002"},
    {"last register", "0007 0000 0006 01 03 9D04 0001"},
    {"one past the end", "0008 0000 0006 01 03 9D05 0001"},
    {"runs past the end", "0009 0000 0006 01 03 9CFF 000A"},
    {"below the image", "000A 0000 0006 01 04 9C3F 0002"},
    {"address 0", "000B 0000 0006 01 03 0000 0001"},
    {"address 65535, 125", "000C 0000 0006 01 03 FFFF 007D"},
    {"quantity 0", "000D 0000 0006 01 03 9C40 0000"},
    {"quantity 126", "000E 0000 0006 01 03 9C40 007E"},
    {"quantity 65535", "000F 0000 0006 01 04 9C40 FFFF"},
    {"write single register", "0010 0000 0006 01 06 9CA1 0007"},
    {"write multiple registers", "0011 0000 000B 01 10 9CA1 0002 04 0001 0002"},
    {"write multiple coils", "0012 0000 0008 01 0F 0000 0008 01 FF"},
    {"read coils", "0013 0000 0006 01 01 0000 0008"},
    {"read discrete inputs", "0014 0000 0006 01 02 0000 0008"},
    {"write single coil", "0015 0000 0006 01 05 0000 FF00"},
    {"read exception status", "0016 0000 0002 01 07"},
    {"report slave id", "0017 0000 0002 01 11"},
    {"mask write register", "0018 0000 0008 01 16 9C40 00F2 0025"},
    {"read/write registers", "0019 0000 000D 01 17 9C40 0002 9CA1 0001 02 0007"},
    {"unit 2", "001A 0000 0006 02 03 9C40 0002"},
    {"unit 0", "001B 0000 0006 00 03 9C40 0002"},
    {"unit 255, write", "001C 0000 0006 FF 06 9CA1 0007"},
    {"unit 2, quantity 0", "001D 0000 0006 02 03 9C40 0000"},
    {"transaction FFFF", "FFFF 0000 0006 01 03 9C40 0001"},
};

TEST(ModbusTcpCore, AnswersByteForByteAsTheLinuxProgramsLibmodbusServer) {
  RealImage real;
  ASSERT_NO_FATAL_FAILURE(real.build());
  CoreServer core(real.image);
  ASSERT_TRUE(core.start());
  LinuxServer linux_server(real.image);
  ASSERT_EQ(linux_server.start(), "");
  ASSERT_TRUE(p1it::wait_for_port(linux_server.port(), 10000));

  Connection to_core(core.port()), to_linux(linux_server.port());
  ASSERT_TRUE(to_core.connected());
  ASSERT_TRUE(to_linux.connected());
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.what);
    Bytes request = hex(c.request);
    ASSERT_TRUE(to_core.send_bytes(request));
    ASSERT_TRUE(to_linux.send_bytes(request));
    Bytes from_core = to_core.response(), from_linux = to_linux.response();
    ASSERT_FALSE(from_linux.empty());
    EXPECT_EQ(to_hex(from_core), to_hex(from_linux));
  }
  // The whole image, read back register by register from the core's answers.
  for (uint16_t first = 0; first < p1::kSunSpecRegisterCount; first = static_cast<uint16_t>(first + 100)) {
    uint16_t count = static_cast<uint16_t>(std::min<size_t>(100, p1::kSunSpecRegisterCount - first));
    uint16_t address = static_cast<uint16_t>(p1::kSunSpecBaseRegister + first);
    Bytes request = {0x42, 0x42, 0, 0, 0, 6, kUnit, 3};
    for (uint16_t v : {address, count}) {
      request.push_back(static_cast<uint8_t>(v >> 8));
      request.push_back(static_cast<uint8_t>(v));
    }
    ASSERT_TRUE(to_core.send_bytes(request));
    Bytes got = to_core.response();
    ASSERT_EQ(got.size(), 9u + 2 * count);
    for (uint16_t i = 0; i < count; ++i) {
      EXPECT_EQ(got[9 + 2 * i] << 8 | got[10 + 2 * i], real.image[first + i]) << first + i;
    }
  }

  // Pipelined: three requests in one segment, three answers in order.
  Bytes three = hex(kCases[0].request);
  for (int i : {4, 15}) {
    Bytes more = hex(kCases[i].request);
    three.insert(three.end(), more.begin(), more.end());
  }
  ASSERT_TRUE(to_core.send_bytes(three));
  ASSERT_TRUE(to_linux.send_bytes(three));
  for (int i = 0; i < 3; ++i) {
    Bytes from_core = to_core.response(), from_linux = to_linux.response();
    ASSERT_FALSE(from_linux.empty()) << i;
    EXPECT_EQ(to_hex(from_core), to_hex(from_linux)) << i;
  }
  EXPECT_TRUE(core.errors().empty());
  core.stop();
  linux_server.stop();
}

// Where the two differ: libmodbus 3.1.6 reads neither the protocol id nor
// the length (it answers a read with protocol id 1 or length 255 like any
// other) and drops a cut-short read only after its byte timeout; the core
// closes the connection at the header.
TEST(ModbusTcpCore, AHeaderThatIsNotModbusClosesTheConnection) {
  uint16_t image[p1::kSunSpecRegisterCount];
  ASSERT_TRUE(p1::build_sunspec_meter(p1::GridValues(), p1::SunSpecIdentity(), p1::Span<uint16_t>(image)));
  CoreServer core(image);
  ASSERT_TRUE(core.start());
  {
    Connection c(core.port());
    ASSERT_TRUE(c.send_bytes(hex("0001 0000 0006 01 03 9C40 0002")));
    EXPECT_EQ(to_hex(c.response()), "00010000000701030453756E53");
  }
  struct Refused {
    const char* request;
    p1::ModbusTcpError error;
  };
  const Refused refused[] = {{"0001 0001 0006 01 03 9C40 0002", p1::ModbusTcpError::kProtocolId},
                             {"0001 0000 0000", p1::ModbusTcpError::kBadLength},
                             {"0001 0000 00FF 01 03", p1::ModbusTcpError::kBadLength},
                             {"0001 0000 0004 01 03 9C40", p1::ModbusTcpError::kShortRequest}};
  std::vector<p1::ModbusTcpError> want;
  for (const Refused& r : refused) {
    SCOPED_TRACE(r.request);
    Connection c(core.port());
    ASSERT_TRUE(c.connected());
    ASSERT_TRUE(c.send_bytes(hex(r.request)));
    EXPECT_TRUE(c.closed_by_server());
    want.push_back(r.error);
  }
  EXPECT_EQ(core.errors(), want);
  core.stop();
}

}  // namespace

// A TCP relay between p1bridge and the broker that can lose what the broker
// says (its acknowledgements), or one kind of MQTT packet from the client,
// and then cut the connection: failures a stopped or killed broker cannot
// produce, such as a message the broker took and delivered whose PUBACK
// never reaches the client.
#pragma once
#include <atomic>
#include <thread>

namespace p1it {

class LossyProxy {
 public:
  explicit LossyProxy(int broker_port);
  ~LossyProxy();
  LossyProxy(const LossyProxy&) = delete;
  int port() const { return port_; }
  // From now on, bytes from the broker to the client are thrown away.
  void lose_replies() { lose_replies_ = true; }
  // From now on, client packets of this MQTT type (6: PUBREL) are thrown away.
  void lose_client_packets(int type) { lose_type_ = type; }
  // Resets every relayed connection (the client sees ECONNRESET) and
  // relays faithfully again for new ones.
  void cut();

 private:
  void run();

  int broker_port_;
  int port_ = 0;
  int listen_fd_ = -1;
  std::atomic<bool> lose_replies_{false};
  std::atomic<int> lose_type_{0};
  std::atomic<int> cuts_requested_{0};
  std::atomic<int> cuts_done_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace p1it

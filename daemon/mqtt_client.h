// MQTT through libmosquitto (Debian's libmosquitto-dev): chosen over Paho C
// because it is the client of the broker most home installations run, ships
// in every distribution, supports TLS with a caller-supplied OpenSSL context
// (needed for certificate pinning) and can run inside our own poll() loop, so
// the program stays single-threaded.
//
// Delivery: messages are published from the MessageQueue in order with a
// bounded window in flight; a message leaves the queue only when the broker
// acknowledged it (PUBACK at QoS 1, PUBCOMP at QoS 2) or it was written to
// the socket (QoS 0), matched by its mid to its queue sequence number.
//
// Retransmission is the queue's alone. libmosquitto would send its own
// unacknowledged messages again after a reconnect, on top of ours, so each
// connection gets a fresh mosquitto instance (clean session): nothing of an
// old connection can be sent twice, and after a reconnect every message not
// acknowledged is published again, in queue order, once. At QoS 1 a message
// arrives twice only if the broker took it but its PUBACK was lost with the
// connection. At QoS 2 libmosquitto and the broker make delivery exactly
// once within a connection; a message whose PUBCOMP had not arrived when the
// connection (or p1bridge) ended is published again, and arrives twice only
// if the broker had already released it (mosquitto does so on PUBREL).
#pragma once
#include <mosquitto.h>

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "config.h"
#include "message_queue.h"

typedef struct ssl_ctx_st SSL_CTX;

namespace p1d {

class MqttClient {
 public:
  MqttClient(const MqttConfig& config, MessageQueue& queue);
  ~MqttClient();
  MqttClient(const MqttClient&) = delete;
  MqttClient& operator=(const MqttClient&) = delete;

  // Sets up TLS and the last will; returns an error message, empty if fine.
  std::string setup(const std::string& will_topic);
  // Socket to poll (-1 when disconnected) and whether it wants POLLOUT.
  int socket() const;
  bool wants_write() const;
  // Runs network I/O and reconnects with backoff; call after poll() and at
  // least every second.
  void service(bool readable, bool writable, int64_t now_ms);
  bool connected() const { return connected_; }
  // Publishes outside the queue (discovery, availability, status).
  void publish_now(const std::string& topic, const std::string& payload, int qos, bool retain);
  // Sends queued messages while the window allows.
  void pump();
  // True once (per connection) right after connecting: time to announce.
  bool take_just_connected();
  void disconnect();
  uint64_t published() const { return published_; }

 private:
  static void on_connect(struct mosquitto*, void* self, int rc);
  static void on_disconnect(struct mosquitto*, void* self, int rc);
  static void on_publish(struct mosquitto*, void* self, int mid);
  // A fresh mosquitto instance with our options: a new clean session.
  std::string new_session();
  void connection_lost(int64_t now_ms);
  void connect_now(int64_t now_ms);

  MqttConfig config_;
  MessageQueue& queue_;
  struct mosquitto* mosq_ = nullptr;
  SSL_CTX* ssl_ctx_ = nullptr;
  bool connected_ = false;
  bool just_connected_ = false;
  bool socket_open_ = false;
  int64_t next_attempt_ms_ = 0;
  int backoff_ms_ = 1000;
  std::string will_topic_;
  std::deque<std::pair<int, uint64_t>> in_flight_;  // mid, queue sequence number
  // libmosquitto reports a QoS 0 message as written from inside
  // mosquitto_publish(), before the mid is known to us.
  bool publishing_ = false;
  std::vector<int> written_early_;
  uint64_t published_ = 0;
  std::string last_error_;
};

// SHA-256 (64 hex) or SHA-1 (40 hex) of a DER certificate, as pinned.
std::string certificate_fingerprint(const unsigned char* der, int length, bool sha256);

}  // namespace p1d

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
// Retransmission has one owner at a time, never two:
// - Within a session, libmosquitto. The session is persistent (clean session
//   off) and the mosquitto instance lives across reconnects, so after a
//   reconnect to a broker that kept the session, libmosquitto completes what
//   was in flight under the same mids: QoS 1 messages whose PUBACK was lost
//   are sent again (a duplicate QoS 1 allows), QoS 2 exchanges resume where
//   they stopped (PUBLISH again before PUBREC, PUBREL after it), so a QoS 2
//   message is delivered exactly once. p1bridge republishes nothing then.
// - Between sessions, the queue. A session starts from nothing: a fresh
//   instance first connects with clean session on, which wipes whatever the
//   broker kept for our client id (a previous run's QoS 2 packet ids would
//   otherwise swallow new messages that reuse them), then connects with clean
//   session off. Every message the queue holds unacknowledged is published
//   again, in order. This happens at start-up, and on a reconnect where the
//   broker says it has no session (restarted without persistence): the
//   connection is dropped before libmosquitto can resend anything into it.
// So QoS 2 is sent twice only across sessions, for a message whose PUBCOMP
// had not arrived: after p1bridge restarts, or when the broker lost our
// session; the broker delivers it twice only if it had released the first
// copy (mosquitto releases on PUBREL).
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
  static void on_connect(struct mosquitto*, void* self, int rc, int flags);
  static void on_disconnect(struct mosquitto*, void* self, int rc);
  static void on_publish(struct mosquitto*, void* self, int mid);
  // A fresh instance for the wiping connection (clean session on); what was
  // in flight goes back to the queue to be published again.
  std::string start_fresh();
  // The instance of the session itself (clean session off), after the wipe.
  std::string start_session();
  std::string make_instance(bool clean, bool will);
  void connect_now(int64_t now_ms);

  MqttConfig config_;
  MessageQueue& queue_;
  struct mosquitto* mosq_ = nullptr;
  SSL_CTX* ssl_ctx_ = nullptr;
  bool wiping_ = true;           // the instance is the wiping one
  bool wiped_ = false;           // ... and the broker has confirmed it
  bool session_started_ = false; // the session instance has connected once
  bool session_lost_ = false;    // a reconnect found the broker without our session
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

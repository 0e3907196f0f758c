#include "mqtt_client.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstring>

#include "log.h"
#include "p1/base/hex.h"

namespace p1d {

namespace {
constexpr size_t kWindow = 20;  // messages in flight

// Pinning: the broker's own certificate must have the configured fingerprint;
// the chain and host name are not consulted (self-signed brokers are the
// norm at home, as on the original device).
int verify_pinned(X509_STORE_CTX* store, void* arg) {
  const std::string& expected = *static_cast<const std::string*>(arg);
  X509* cert = X509_STORE_CTX_get0_cert(store);
  if (cert == nullptr) return 0;
  unsigned char* der = nullptr;
  int length = i2d_X509(cert, &der);
  if (length <= 0) return 0;
  std::string actual = certificate_fingerprint(der, length, expected.size() == 64);
  OPENSSL_free(der);
  if (actual == expected) return 1;
  P1_LOG_ERROR("mqtt: broker certificate fingerprint %s does not match the configured one: connection refused",
               actual.c_str());
  X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
  return 0;
}
}  // namespace

std::string certificate_fingerprint(const unsigned char* der, int length, bool sha256) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(der, static_cast<size_t>(length), digest, &size, sha256 ? EVP_sha256() : EVP_sha1(), nullptr);
  std::string out(2 * size, '0');
  p1::write_hex(p1::ByteSpan(digest, size), p1::CharSpan(&out[0], out.size()));
  return out;
}

MqttClient::MqttClient(const MqttConfig& config, MessageQueue& queue) : config_(config), queue_(queue) {
  // The settings schema stored the fingerprint canonical: upper-case hex digits only.
  mosquitto_lib_init();
}

MqttClient::~MqttClient() {
  if (mosq_ != nullptr) mosquitto_destroy(mosq_);
  if (ssl_ctx_ != nullptr) SSL_CTX_free(ssl_ctx_);
  mosquitto_lib_cleanup();
}

std::string MqttClient::setup(const std::string& will_topic) {
  will_topic_ = will_topic;
  if (!config_.ca_file.empty()) {
    P1_LOG_INFO("mqtt: TLS, broker verified against CA %s", config_.ca_file.c_str());
  } else if (config_.fingerprint != "[insecure]") {
    // One context for every instance; libmosquitto takes a reference of its own.
    ssl_ctx_ = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_min_proto_version(ssl_ctx_, TLS1_2_VERSION);
    SSL_CTX_set_verify(ssl_ctx_, SSL_VERIFY_PEER, nullptr);
    SSL_CTX_set_cert_verify_callback(ssl_ctx_, verify_pinned, &config_.fingerprint);
    P1_LOG_INFO("mqtt: TLS, broker certificate pinned by %s fingerprint",
                config_.fingerprint.size() == 64 ? "SHA-256" : "SHA-1");
  } else {
    P1_LOG_INFO("mqtt: plain MQTT without TLS (fingerprint [insecure]): use only on a trusted network");
  }
  return start_fresh();
}

std::string MqttClient::make_instance(bool clean, bool will) {
  if (mosq_ != nullptr) mosquitto_destroy(mosq_);
  mosq_ = mosquitto_new(config_.client_id.c_str(), clean, this);
  if (mosq_ == nullptr) return std::string("mqtt: cannot create a client: ") + std::strerror(errno);
  mosquitto_connect_with_flags_callback_set(mosq_, &MqttClient::on_connect);
  mosquitto_disconnect_callback_set(mosq_, &MqttClient::on_disconnect);
  mosquitto_publish_callback_set(mosq_, &MqttClient::on_publish);
  mosquitto_int_option(mosq_, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
  if (!config_.user.empty()) {
    mosquitto_username_pw_set(mosq_, config_.user.c_str(), config_.password.empty() ? nullptr : config_.password.c_str());
  }
  if (will) mosquitto_will_set(mosq_, will_topic_.c_str(), 7, "offline", 1, true);
  mosquitto_max_inflight_messages_set(mosq_, kWindow);
  if (!config_.ca_file.empty()) {
    int rc = mosquitto_tls_set(mosq_, config_.ca_file.c_str(), nullptr, nullptr, nullptr, nullptr);
    if (rc != MOSQ_ERR_SUCCESS) return "mqtt: cannot use CA file " + config_.ca_file + ": " + mosquitto_strerror(rc);
  } else if (ssl_ctx_ != nullptr) {
    mosquitto_int_option(mosq_, MOSQ_OPT_SSL_CTX_WITH_DEFAULTS, 0);
    int rc = mosquitto_void_option(mosq_, MOSQ_OPT_SSL_CTX, ssl_ctx_);
    if (rc != MOSQ_ERR_SUCCESS) return std::string("mqtt: cannot set up TLS: ") + mosquitto_strerror(rc);
  }
  return {};
}

std::string MqttClient::start_fresh() {
  queue_.requeue_in_flight();
  in_flight_.clear();
  wiping_ = true;
  wiped_ = false;
  session_started_ = false;
  session_lost_ = false;
  return make_instance(true, false);
}

std::string MqttClient::start_session() {
  wiping_ = false;
  return make_instance(false, true);
}

int MqttClient::socket() const { return socket_open_ ? mosquitto_socket(mosq_) : -1; }

bool MqttClient::wants_write() const { return socket_open_ && mosquitto_want_write(mosq_); }

void MqttClient::connect_now(int64_t now_ms) {
  int rc = mosq_ != nullptr ? mosquitto_connect(mosq_, config_.host.c_str(), config_.port, config_.keepalive)
                            : MOSQ_ERR_NOMEM;
  if (rc == MOSQ_ERR_SUCCESS) {
    socket_open_ = true;
    return;
  }
  std::string error = rc == MOSQ_ERR_ERRNO ? std::strerror(errno) : mosquitto_strerror(rc);
  if (error != last_error_) {
    P1_LOG_WARN("mqtt: cannot connect to %s:%d: %s (retrying; readings are queued)", config_.host.c_str(),
                config_.port, error.c_str());
    last_error_ = error;
  }
  next_attempt_ms_ = now_ms + backoff_ms_;
  backoff_ms_ = backoff_ms_ * 2 > 30000 ? 30000 : backoff_ms_ * 2;
}

void MqttClient::service(bool readable, bool writable, int64_t now_ms) {
  if (!socket_open_) {
    if (now_ms >= next_attempt_ms_) connect_now(now_ms);
    return;
  }
  int rc = MOSQ_ERR_SUCCESS;
  if (readable) rc = mosquitto_loop_read(mosq_, 1);
  if (rc == MOSQ_ERR_SUCCESS && writable) rc = mosquitto_loop_write(mosq_, 1);
  if (rc == MOSQ_ERR_SUCCESS) rc = mosquitto_loop_misc(mosq_);
  // Instances change only here, outside libmosquitto's callbacks. The new
  // one connects on the next call, so the run loop sees the old socket go
  // (a new one may get the same descriptor number).
  if (wiping_ && wiped_) {
    mosquitto_disconnect(mosq_);
    mosquitto_loop_write(mosq_, 1);
    std::string error = start_session();
    if (!error.empty()) P1_LOG_ERROR("%s", error.c_str());
    socket_open_ = false;
    next_attempt_ms_ = now_ms;
    return;
  }
  if (session_lost_) {
    P1_LOG_WARN("mqtt: the broker has no session for us (restarted?): sending the %zu unacknowledged again",
                in_flight_.size());
    std::string error = start_fresh();
    if (!error.empty()) P1_LOG_ERROR("%s", error.c_str());
    connected_ = false;
    socket_open_ = false;
    next_attempt_ms_ = now_ms;
    return;
  }
  if (rc != MOSQ_ERR_SUCCESS) {
    if (connected_ || last_error_.empty()) {
      P1_LOG_WARN("mqtt: connection to %s:%d lost: %s (reconnecting; readings are queued)", config_.host.c_str(),
                  config_.port, rc == MOSQ_ERR_ERRNO ? std::strerror(errno) : mosquitto_strerror(rc));
      last_error_ = "lost";
    }
    // The instance stays, with what it has in flight, to resume the session.
    connected_ = false;
    socket_open_ = false;
    next_attempt_ms_ = now_ms + backoff_ms_;
    backoff_ms_ = backoff_ms_ * 2 > 30000 ? 30000 : backoff_ms_ * 2;
  }
}

void MqttClient::on_connect(struct mosquitto* mosq, void* self, int rc, int flags) {
  auto* client = static_cast<MqttClient*>(self);
  if (rc != 0) {
    P1_LOG_ERROR("mqtt: broker refused the connection: %s", mosquitto_connack_string(rc));
    return;
  }
  if (client->wiping_) {
    client->wiped_ = true;
    return;
  }
  bool session_present = (flags & 1) != 0;
  if (client->session_started_ && !session_present) {
    // Disconnecting here, before libmosquitto resends anything (it does so
    // right after this callback), leaves the new connection unused.
    client->session_lost_ = true;
    mosquitto_disconnect(mosq);
    return;
  }
  P1_LOG_INFO("mqtt: connected to %s:%d%s", client->config_.host.c_str(), client->config_.port,
              client->session_started_ ? " (session resumed)" : "");
  client->session_started_ = true;
  client->connected_ = true;
  client->just_connected_ = true;
  client->backoff_ms_ = 1000;
  client->last_error_.clear();
}

void MqttClient::on_disconnect(struct mosquitto*, void* self, int) {
  // service() sees the failed call that follows.
  static_cast<MqttClient*>(self)->connected_ = false;
}

void MqttClient::on_publish(struct mosquitto*, void* self, int mid) {
  auto* client = static_cast<MqttClient*>(self);
  for (auto it = client->in_flight_.begin(); it != client->in_flight_.end(); ++it) {
    if (it->first != mid) continue;
    client->queue_.acknowledge(it->second);
    client->in_flight_.erase(it);
    ++client->published_;
    return;
  }
  if (client->publishing_) client->written_early_.push_back(mid);
}

void MqttClient::pump() {
  while (connected_ && in_flight_.size() < kWindow) {
    const QueuedMessage* next = queue_.next_unsent();
    if (next == nullptr) break;
    uint64_t seq = next->seq;
    const Message& m = next->message;
    int mid = 0;
    publishing_ = true;
    written_early_.clear();
    int rc = mosquitto_publish(mosq_, &mid, m.topic.c_str(), static_cast<int>(m.payload.size()), m.payload.data(),
                               m.qos, m.retain);
    publishing_ = false;
    if (rc != MOSQ_ERR_SUCCESS) break;
    queue_.mark_in_flight(seq);
    if (std::find(written_early_.begin(), written_early_.end(), mid) != written_early_.end()) {
      queue_.acknowledge(seq);
      ++published_;
    } else {
      in_flight_.emplace_back(mid, seq);
    }
  }
}

void MqttClient::publish_now(const std::string& topic, const std::string& payload, int qos, bool retain) {
  if (!connected_) return;
  mosquitto_publish(mosq_, nullptr, topic.c_str(), static_cast<int>(payload.size()), payload.data(), qos, retain);
}

bool MqttClient::take_just_connected() {
  bool was = just_connected_;
  just_connected_ = false;
  return was;
}

void MqttClient::disconnect() {
  if (socket_open_) {
    mosquitto_disconnect(mosq_);
    mosquitto_loop_write(mosq_, 1);
  }
  connected_ = false;
  socket_open_ = false;
}

}  // namespace p1d

#include "mqtt_client.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cstring>

#include "log.h"

namespace p1d {

namespace {
constexpr size_t kWindow = 20;  // messages in flight

std::string normalise_hex(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (std::isxdigit(static_cast<unsigned char>(c))) out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

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
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned int i = 0; i < size; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

MqttClient::MqttClient(const MqttConfig& config, MessageQueue& queue) : config_(config), queue_(queue) {
  config_.fingerprint = config.fingerprint == "[insecure]" ? config.fingerprint : normalise_hex(config.fingerprint);
  mosquitto_lib_init();
  mosq_ = mosquitto_new(config_.client_id.c_str(), true, this);
  mosquitto_connect_callback_set(mosq_, &MqttClient::on_connect);
  mosquitto_disconnect_callback_set(mosq_, &MqttClient::on_disconnect);
  mosquitto_publish_callback_set(mosq_, &MqttClient::on_publish);
}

MqttClient::~MqttClient() {
  if (mosq_ != nullptr) mosquitto_destroy(mosq_);
  if (ssl_ctx_ != nullptr) SSL_CTX_free(ssl_ctx_);
  mosquitto_lib_cleanup();
}

std::string MqttClient::setup(const std::string& will_topic) {
  mosquitto_int_option(mosq_, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
  if (!config_.user.empty()) {
    mosquitto_username_pw_set(mosq_, config_.user.c_str(), config_.password.empty() ? nullptr : config_.password.c_str());
  }
  mosquitto_will_set(mosq_, will_topic.c_str(), 7, "offline", 1, true);
  mosquitto_max_inflight_messages_set(mosq_, kWindow);
  if (!config_.ca_file.empty()) {
    int rc = mosquitto_tls_set(mosq_, config_.ca_file.c_str(), nullptr, nullptr, nullptr, nullptr);
    if (rc != MOSQ_ERR_SUCCESS) return "mqtt: cannot use CA file " + config_.ca_file + ": " + mosquitto_strerror(rc);
    P1_LOG_INFO("mqtt: TLS, broker verified against CA %s", config_.ca_file.c_str());
  } else if (config_.fingerprint != "[insecure]") {
    ssl_ctx_ = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_min_proto_version(ssl_ctx_, TLS1_2_VERSION);
    SSL_CTX_set_verify(ssl_ctx_, SSL_VERIFY_PEER, nullptr);
    SSL_CTX_set_cert_verify_callback(ssl_ctx_, verify_pinned, &config_.fingerprint);
    mosquitto_int_option(mosq_, MOSQ_OPT_SSL_CTX_WITH_DEFAULTS, 0);
    int rc = mosquitto_void_option(mosq_, MOSQ_OPT_SSL_CTX, ssl_ctx_);
    if (rc != MOSQ_ERR_SUCCESS) return std::string("mqtt: cannot set up TLS: ") + mosquitto_strerror(rc);
    P1_LOG_INFO("mqtt: TLS, broker certificate pinned by %s fingerprint",
                config_.fingerprint.size() == 64 ? "SHA-256" : "SHA-1");
  } else {
    P1_LOG_INFO("mqtt: plain MQTT without TLS (fingerprint [insecure]): use only on a trusted network");
  }
  return {};
}

int MqttClient::socket() const { return socket_open_ ? mosquitto_socket(mosq_) : -1; }

bool MqttClient::wants_write() const { return socket_open_ && mosquitto_want_write(mosq_); }

void MqttClient::connect_now(int64_t now_ms) {
  int rc = mosquitto_connect(mosq_, config_.host.c_str(), config_.port, config_.keepalive);
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
  if (rc != MOSQ_ERR_SUCCESS) {
    if (connected_ || last_error_.empty()) {
      P1_LOG_WARN("mqtt: connection to %s:%d lost: %s (reconnecting; readings are queued)", config_.host.c_str(),
                  config_.port, rc == MOSQ_ERR_ERRNO ? std::strerror(errno) : mosquitto_strerror(rc));
      last_error_ = "lost";
    }
    connected_ = false;
    socket_open_ = false;
    in_flight_.clear();
    mosquitto_disconnect(mosq_);
    next_attempt_ms_ = now_ms + backoff_ms_;
    backoff_ms_ = backoff_ms_ * 2 > 30000 ? 30000 : backoff_ms_ * 2;
  }
}

void MqttClient::on_connect(struct mosquitto*, void* self, int rc) {
  auto* client = static_cast<MqttClient*>(self);
  if (rc != 0) {
    P1_LOG_ERROR("mqtt: broker refused the connection: %s", mosquitto_connack_string(rc));
    return;
  }
  P1_LOG_INFO("mqtt: connected to %s:%d", client->config_.host.c_str(), client->config_.port);
  client->connected_ = true;
  client->just_connected_ = true;
  client->backoff_ms_ = 1000;
  client->last_error_.clear();
  client->in_flight_.clear();  // unacknowledged messages are sent again, in order
}

void MqttClient::on_disconnect(struct mosquitto*, void* self, int) {
  auto* client = static_cast<MqttClient*>(self);
  client->connected_ = false;
  client->in_flight_.clear();
}

void MqttClient::on_publish(struct mosquitto*, void* self, int mid) {
  auto* client = static_cast<MqttClient*>(self);
  for (auto& entry : client->in_flight_) {
    if (entry.first == mid) entry.second = true;
  }
  // Only a contiguous acknowledged prefix leaves the queue, keeping order.
  size_t done = 0;
  while (!client->in_flight_.empty() && client->in_flight_.front().second) {
    client->in_flight_.pop_front();
    ++done;
  }
  if (done > 0) {
    client->queue_.pop_front(done);
    client->published_ += done;
  }
}

void MqttClient::pump() {
  while (connected_ && in_flight_.size() < kWindow && in_flight_.size() < queue_.size()) {
    const Message& m = queue_.at(in_flight_.size());
    int mid = 0;
    int rc = mosquitto_publish(mosq_, &mid, m.topic.c_str(), static_cast<int>(m.payload.size()), m.payload.data(),
                               m.qos, m.retain);
    if (rc != MOSQ_ERR_SUCCESS) break;
    in_flight_.emplace_back(mid, false);
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

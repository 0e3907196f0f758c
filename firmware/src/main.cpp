// p1bridge firmware: an ESP8266 (or ESP32) powered from the meter's M-Bus
// port. At start the USB serial (115200 8N1) offers the setup wizard and
// Improv Wi-Fi provisioning; then the UART switches to the meter and loop()
// moves bytes between the core and the network without ever blocking long.
#include <Arduino.h>

#include "board.h"
#include "device_demand.h"
#include "device_history.h"
#include "grid_services.h"
#include "meter_uart.h"
#include "mqtt_link.h"
#include "p1/output/output_format.h"
#include "p1/probe/line_search.h"
#include "p1/device/settings/settings_store.h"
#include "phases.h"
#include "publisher.h"
#include "scratch.h"
#include "settings_flash.h"
#include "web_portal.h"
#include "wifi_link.h"

namespace {

class SerialText final : public p1::TextOutput {
 public:
  void print(const char* text) override { Serial.print(text); }
  void print(p1::FlashText text) override {
    Serial.print(reinterpret_cast<const __FlashStringHelper*>(text.flash_address()));
  }
};

const char* kFirmware = "p1bridge";
const char* kVersion = "0.1.0";

Scratch shared_scratch;
p1::Settings settings;
LittleFsSettingsStorage storage;
p1::SettingsStore store(storage,
                        p1::MutableByteSpan(shared_scratch.web.save.record, sizeof shared_scratch.web.save.record));
SerialText console;
DeviceRandom device_random;
p1::DefaultAesGcm gcm;
Phase phase;  // setup() begins phase.setup; start_running() ends it and begins phase.run
MeterUart uart;
p1::LineSearch line_search;  // tries the Austrian line settings while the configured one shows only errors
WifiLink wifi;
MqttLink mqtt;
Publisher publisher;
DeviceDemand demand;
DeviceHistory history;
GridServices grid;
WebPortal portal(settings, store);

bool running = false;
uint32_t next_status_ms = 0;
uint32_t next_web_status_ms = 0;
uint32_t min_free_heap = UINT32_MAX;
String node_id;
void start_running();

// The Improv session's view of the device: packets on the USB serial, the WiFi.
class ImprovPort final : public p1::ImprovDevice {
 public:
  void send_packet(p1::ByteSpan packet) override {
    Serial.write(packet.data(), packet.size());
    Serial.write('\n');  // keeps a terminal readable, as other Improv devices do
  }
  void connect(const char* ssid, const char* password) override { wifi.begin(ssid, password, node_id); }
  bool connected() override { return wifi.connected(); }
  void url(p1::CharSpan out) override { snprintf_P(out.data(), out.size(), PSTR("http://%s/"), wifi.address().c_str()); }
  void device_info(const char* out[4]) override {
    out[0] = kFirmware;
    out[1] = kVersion;
    out[2] = P1_BOARD_NAME;
    out[3] = node_id.c_str();
  }
};
ImprovPort improv_port;

p1::SetupWizard& wizard() { return phase.setup.wizard; }
p1::ImprovSession& improv_session() { return phase.setup.improv_session; }
p1::MeterStreamCore& meter() { return phase.run.meter; }

void configure_meter() {
  p1::Aes128Key key;
  const char* hex = settings.get(p1::SettingId::kMeterKey);
  if (p1::Aes128Key::parse(p1::Span<const char>(hex, strlen(hex)), key) == p1::KeyParseError::kNone) {
    meter().decoder().set_key(key);
  }
  p1::AuthKey auth;
  hex = settings.get(p1::SettingId::kAuthKey);
  if (p1::AuthKey::parse(p1::Span<const char>(hex, strlen(hex)), auth) == p1::KeyParseError::kNone) {
    meter().decoder().set_auth_key(auth);
  }
  const char* profile = settings.get(p1::SettingId::kMeterProfile);
  if (strcmp(profile, "auto") != 0) meter().decoder().set_layout(p1::find_body_layout(profile));
}

void start_running() {
  Serial.printf_P(PSTR("\r\nWiFi %s, MQTT %s:%s (%s), web page on port 80.\r\n"), settings.get(p1::SettingId::kWifiSsid),
                settings.get(p1::SettingId::kMqttHost), settings.get(p1::SettingId::kMqttPort),
                strcmp(settings.get(p1::SettingId::kMqttFingerprint), "[insecure]") == 0 ? "plain" : "TLS");
  Serial.printf_P(PSTR("Switching the serial port to the meter: %s baud %s.\r\n"), settings.get(p1::SettingId::kSerialBaud),
                settings.get(p1::SettingId::kSerialFormat));
  phase.setup.~SetupPhase();
  p1::Reading* reading = new (&scratch().publish.reading) p1::Reading();  // the union constructs no member
  new (&phase.run) RunPhase(&gcm, *reading);
  configure_meter();
  if (!wifi.connected()) {
    wifi.begin(settings.get(p1::SettingId::kWifiSsid), settings.get(p1::SettingId::kWifiPassword), node_id);
  }
  mqtt.begin(settings, String(F("p1bridge-")) + node_id);
  publisher.begin(settings, node_id);
  history.begin();
  demand.begin(settings.get(p1::SettingId::kMqttBase), &history);
  publisher.set_demand(&demand);
  grid.begin(settings, node_id);
  portal.attach(&grid, &demand, &history);
  portal.begin();
  uart.begin(settings);  // from here on the UART belongs to the meter
  line_search.begin(meter(), millis());
  running = true;
}

void run_loop(uint32_t now) {
  uart.poll(meter(), [&](const p1::StreamEvent& e) {
    line_search.on_event(e, meter());
    if (e.kind != p1::StreamEvent::Kind::kReading) return;  // errors show in the counters
    demand.on_reading(meter().reading());
    history.on_reading(meter().reading());
    grid.on_reading(meter().reading(), millis());
    publisher.on_reading(meter().reading());
    // Not Scratch::render: that would overwrite the reading it renders.
    char* json = scratch().publish.render;
    auto n = p1::format_json(meter().reading(), p1::CharSpan(json, sizeof(ScratchPublish::render) - 1));
    if (n) {
      json[*n] = '\0';
      portal.set_values(json, nullptr);
    }
  });
  if (const p1::LineSetting* line = line_search.tick(meter(), now)) {
    // Only the debug port may talk now: the UART's TX line goes to the meter.
    Serial1.printf_P(PSTR("meter: only errors at this line setting; trying %u %s\r\n"),
                     static_cast<unsigned>(line->baud), line->format);
    uart.begin(line->baud, line->format);
    meter().reset();
  }
  uint32_t heap = board::free_heap();
  if (heap < min_free_heap) min_free_heap = heap;
  wifi.loop(now);
  mqtt.loop(now, wifi.connected());
  publisher.loop(mqtt, wifi);
  demand.loop(mqtt);
  history.loop(now);
  grid.loop(now);
  portal.loop();
  if (static_cast<int32_t>(now - next_web_status_ms) >= 0) {
    next_web_status_ms = now + 1000;
    char* status = scratch().render;
    publisher.render_status(meter().counters(), heap, min_free_heap, p1::CharSpan(status, sizeof(Scratch::render)));
    portal.set_values(nullptr, status);
  }
  if (static_cast<int32_t>(now - next_status_ms) >= 0) {
    next_status_ms = now + 60000;
    publisher.publish_status(mqtt, meter().counters(), heap, min_free_heap);
  }
  if (portal.restart_requested()) {
    // What would otherwise wait for the quarter hour's end is kept now.
    history.flush();
    demand.flush();
    delay(300);  // let the answer leave
    ESP.restart();
  }
}

}  // namespace

Scratch& scratch() { return shared_scratch; }

void setup() {
  Serial.begin(115200);
  delay(100);
  node_id = board::device_id();
  Serial.printf_P(PSTR("\r\n%s %s on %s (%s). Reset reason: %s\r\n"), kFirmware, kVersion, P1_BOARD_NAME, node_id.c_str(),
                board::reset_reason().c_str());
  board::watchdog_start();
  if (!storage.begin()) Serial.println(F("Flash file system unavailable: settings cannot be stored."));
  p1::LoadStatus status = store.load(settings);
  if (status == p1::LoadStatus::kMigrated) Serial.println(F("Settings of an older version were migrated."));
  new (&phase.setup) SetupPhase(console, device_random, improv_port);
  wizard().start(settings, status != p1::LoadStatus::kNoSettings, millis());
}

void loop() {
  board::watchdog_feed();
  uint32_t now = millis();
  if (running) {
    run_loop(now);
    return;
  }
  while (Serial.available()) {
    // Improv packets are taken out; everything else is typed at the wizard.
    auto event = phase.setup.improv.feed(static_cast<uint8_t>(Serial.read()));
    if (event.kind != p1::ImprovParser::Event::Kind::kNone) improv_session().on_event(event, now);
    for (uint8_t i = 0; i < event.passthrough_count; ++i) wizard().feed(static_cast<char>(event.passthrough[i]), now);
  }
  switch (improv_session().tick(now)) {
    case p1::ImprovSession::Outcome::kProvisioned:
      // Only credentials that connected are kept; then everything starts
      // without a reboot.
      settings.set(p1::SettingId::kWifiSsid, improv_session().ssid());
      settings.set(p1::SettingId::kWifiPassword, improv_session().password());
      store.save(settings);
      Serial.flush();
      start_running();
      return;
    case p1::ImprovSession::Outcome::kFailed:
      WiFi.disconnect();
      break;
    case p1::ImprovSession::Outcome::kNone:
      break;
  }
  if (improv_session().provisioning()) return;  // the wizard waits while the installer provisions
  switch (wizard().tick(now)) {
    case p1::SetupWizard::Outcome::kSaved:
      settings = wizard().result();
      if (!store.save(settings)) Serial.println(F("Could not write the settings to flash!"));
      start_running();
      break;
    case p1::SetupWizard::Outcome::kCleared:
      store.clear();
      settings.set_defaults();
      wizard().start(settings, false, now);
      break;
    case p1::SetupWizard::Outcome::kSkipped:
      start_running();
      break;
    case p1::SetupWizard::Outcome::kAborted:
      // Nothing changed: run with what is stored, or ask again if nothing is.
      if (store.load(settings) == p1::LoadStatus::kNoSettings) {
        wizard().start(settings, false, now);
      } else {
        start_running();
      }
      break;
    case p1::SetupWizard::Outcome::kRunning:
      break;
  }
}

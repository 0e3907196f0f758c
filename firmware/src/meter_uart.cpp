#include "meter_uart.h"

#include <cstdlib>
#include <cstring>

void MeterUart::begin(const p1::Settings& settings) {
  acknowledge_ = std::strcmp(settings.get(p1::SettingId::kMeterAck), "1") == 0;
  begin(static_cast<uint32_t>(std::strtoul(settings.get(p1::SettingId::kSerialBaud), nullptr, 10)),
        settings.get(p1::SettingId::kSerialFormat));
}

void MeterUart::begin(uint32_t baud, const char* format) {
  SerialConfig config = SERIAL_8E1;
  if (std::strcmp(format, "8N1") == 0) config = SERIAL_8N1;
  else if (std::strcmp(format, "8O1") == 0) config = SERIAL_8O1;
  else if (std::strcmp(format, "8E2") == 0) config = SERIAL_8E2;
  else if (std::strcmp(format, "8N2") == 0) config = SERIAL_8N2;
  else if (std::strcmp(format, "7E1") == 0) config = SERIAL_7E1;
  Serial.flush();
  Serial.end();
  Serial.setRxBufferSize(kRxBuffer);  // before begin(), as the core requires
  Serial.begin(baud, config);
}

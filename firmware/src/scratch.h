// The device's one scratch area: stages that never run at the same time
// (a web call with a Save, loading or saving settings at boot or from the
// wizard, rendering one MQTT message) take turns in the same bytes instead
// of each keeping a buffer of its own. Everything runs in loop(): no stage
// interrupts another.
#pragma once
#include <cstddef>
#include <cstdint>

#include "p1/cosem/reading.h"
#include "p1/device/settings/settings_store.h"
#include "p1/device/store_forward/reading_record.h"
#include "p1/output/modbus_tcp.h"
#include "p1/output/sunspec_meter.h"

// A web call: the edited settings and the sealed answer. The settings record
// a Save writes takes the answer's last bytes: while it is written, the
// answer holds only its opening (a Save with a refused field writes nothing),
// and the rest of the answer follows once the record is on flash
// (tests/budget: DeviceBudget.ASaveLeavesItsAnswerWhole).
constexpr size_t kWebReply = 4096;  // the settings form, the largest answer, fits (3,940 B with every text at capacity)
struct ScratchWeb {
  p1::Settings settings;
  union {
    uint8_t reply[kWebReply];
    struct {
      uint8_t answer_opening[kWebReply - p1::kSettingsRecordMax];
      uint8_t record[p1::kSettingsRecordMax];
    } save;
  };
};

// Sending a queued reading: the record (from flash), the reading decoded
// from it, and one rendered message. The meter stream also decodes each new
// reading into `reading` (phases.h), which is queued from there into
// `record` and shown on the page from `render`.
struct ScratchPublish {
  p1::Reading reading;
  uint8_t record[p1::kMaxReadingRecord];
  char render[1024];
};

// Answering an inverter or a battery (grid_services.h): the SunSpec image
// and one Modbus response, or a Shelly answer and its UDP frame.
struct ScratchServe {
  union {
    struct {
      uint16_t image[p1::kSunSpecRegisterCount];
      uint8_t adu[p1::kModbusTcpMaxAdu];
    } modbus;
    struct {
      char answer[1024];
      char frame[1024 + 256];  // the answer inside {"id":..,"src":..,"dst":..,"result":..}
    } shelly;
  };
};

union Scratch {
  ScratchWeb web;          // web.save.record also serves settings loads and saves outside a web call
  ScratchPublish publish;  // publish.reading: the meter's new reading too; publish.record also takes its record
  ScratchServe serve;      // a Modbus, Shelly or API request (grid_services.h, web_portal.cpp)
  char render[1024];       // one payload outside the publisher (the page's JSON, the status, the demand)
  Scratch() {}
};

Scratch& scratch();

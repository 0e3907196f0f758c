// The device's two phases share their memory: the setup phase (the serial
// wizard and Improv provisioning) ends for good before the run phase (the
// meter stream) begins, so the two never live at the same time. Like the
// scratch area, this is what lets the firmware fit next to WiFi and TLS.
#pragma once
#include <new>

#include "p1/device/improv_serial.h"
#include "p1/device/improv_session.h"
#include "p1/device/setup_wizard.h"
#include "p1/pipeline/meter_stream.h"

struct SetupPhase {
  SetupPhase(p1::TextOutput& console, p1::RandomSource& random, p1::ImprovDevice& improv_device)
      : wizard(console, random, true), improv_session(improv_device) {}
  p1::SetupWizard wizard;
  p1::ImprovParser improv;
  p1::ImprovSession improv_session;
};

// The meter stream decodes into the Reading of the scratch area's publish
// stage (scratch.h): the reading is handed on (queued as a record, shown on
// the page) before the loop lets any other stage use those bytes.
struct RunPhase {
  RunPhase(p1::AesGcmDecryptor* gcm, p1::Reading& reading) : meter(gcm, reading) {}
  p1::MeterStreamCore meter;
};

// The setup phase must not cost memory of its own (the budget test checks it).
union Phase {
  Phase() {}
  ~Phase() {}
  SetupPhase setup;
  RunPhase run;
};

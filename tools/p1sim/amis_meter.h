// p1sim's Siemens TD-3511 (Netz Oberoesterreich, "AMIS"): the meter is the
// M-Bus master. It searches with SND_NKE 10 40 F0 30 16 every search period
// (the meter: a minute) until the reader answers E5 within the
// acknowledgement timeout (0.5 s), then sends one SND_UD per interval (1 s),
// each encrypted with OMS mode 5 under a new access number, with the FCB
// toggled after each acknowledged one, and falls back to searching after 10
// missing acknowledgements. With echo, whatever the reader sends comes back
// to it, as from an IR head that hears itself.
#pragma once
#include <fstream>
#include <string>

#include "meter_model.h"
#include "telegram_encoder.h"

namespace p1sim {

struct AmisOptions {
  double interval = 1.0;          // seconds between SND_UDs
  double search_interval = 60.0;  // seconds between SND_NKEs while searching
  double ack_timeout = 0.5;       // seconds the meter waits for E5
  int misses_to_search = 10;
  bool echo = false;
  bool handshake = true;  // false for file/stdout: no reader to answer
  int baud = 9600;
  long count = 0;         // SND_UDs to send, 0 = forever
  uint8_t access_number = 1;
  bool walk = true;
  unsigned seed = 1;
  int wrong_key_every = 0, flip_every = 0, repeat_access_every = 0;
};

// Runs the meter on `fd` until count telegrams were sent or *stop is set.
// Logs each SND_UD as a JSON line (n, access number, acked, fault, values)
// and the link events on stdout ("search", "reader found", "searching again").
int run_amis(const AmisOptions& options, int fd, const p1enc::Bytes& key, std::ofstream& log,
             volatile const int* stop);

}  // namespace p1sim

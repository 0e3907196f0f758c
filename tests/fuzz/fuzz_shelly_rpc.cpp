// libFuzzer target: the Shelly UDP JSON-RPC request parser fed arbitrary
// datagrams, and the whole answer to every request it accepts. What it
// accepts keeps its fields within their buffers, and the reply frame built
// from it is one JSON object that fits the server's buffer (ids and sources
// are echoed, so they must come back escaped).
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "p1/device/web/json_object_reader.h"
#include "p1/output/shelly_rpc.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  p1::ShellyRpcRequest rpc;
  p1::ShellyRpcError e = p1::parse_shelly_rpc(p1::Span<const char>(reinterpret_cast<const char*>(data), size), rpc);
  if (e != p1::ShellyRpcError::kNone) return 0;
  if (rpc.id_length > sizeof rpc.id || rpc.src_length >= sizeof rpc.src) __builtin_trap();
  if (rpc.method_length >= sizeof rpc.method_name || rpc.component > 0xFFFF) __builtin_trap();

  p1::ShellyIdentity identity;
  identity.device_id = "shellypro3em-02A1B2C3D4E5";
  identity.mac = "02A1B2C3D4E5";
  p1::GridValues values;  // measured values of every kind, and none
  values.net_power = {true, -1234.5};
  values.voltage[0] = {true, 230.1};
  values.current[0] = {true, 1.5};
  values.energy_import = {true, 1e12};
  const p1::GridValues* cases[] = {nullptr, &values};
  for (const p1::GridValues* current : cases) {
    char text[2048], reply[2048 + 256];
    p1::Span<const char> name(rpc.method_name, rpc.method_length);
    p1::ShellyAnswer a = p1::shelly_answer(rpc.method, name, rpc.component, current, identity, p1::CharSpan(text, sizeof text));
    if (a.too_small || a.length > sizeof text) __builtin_trap();
    auto r = p1::shelly_rpc_reply(rpc, identity.device_id, a, p1::Span<const char>(text, a.length),
                                  p1::CharSpan(reply, sizeof reply));
    if (!r) __builtin_trap();
    p1::JsonToken tokens[128];
    p1::JsonObjectReader check(p1::Span<const char>(reply, *r), p1::Span<p1::JsonToken>(tokens));
    if (!check.parse()) __builtin_trap();
  }
  return 0;
}

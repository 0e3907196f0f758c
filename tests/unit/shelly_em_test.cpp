// The Shelly Pro 3EM answers: fields and numbers for a real telegram, the
// sign of power, the stale error, and the UDP JSON-RPC frame with its
// refusals.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "p1/output/shelly_rpc.h"
#include "support/evn_fixture.h"
#include "support/testdata.h"

namespace {

using nlohmann::json;

p1::ShellyIdentity identity() {
  p1::ShellyIdentity id;
  id.device_id = "shellypro3em-02A1B2C3D4E5";
  id.mac = "02A1B2C3D4E5";
  return id;
}

std::string call(const char* method, const p1::GridValues* values, int* code = nullptr, uint64_t component = 0) {
  char out[2048];
  p1::Span<const char> name(method, std::strlen(method));
  p1::ShellyAnswer a = p1::shelly_answer(p1::shelly_method(name), name, component, values, identity(),
                                         p1::CharSpan(out, sizeof out));
  EXPECT_FALSE(a.too_small);
  if (code != nullptr) *code = a.code;
  return std::string(out, a.length);
}

p1::GridValues evn_grid(uint32_t import_w, uint32_t export_w, p1test::KeyedStream& s) {
  p1enc::EvnValues v = p1test::evn_values(1);  // 230.1/231.0/232.0 V, 1.51 A on L1
  v.power_import_w = import_w;
  v.power_export_w = export_w;
  v.power_factor_milli = 950;
  auto wire = p1enc::mbus_frames(p1enc::cipher(p1enc::evn_notification(v), p1test::cipher_params(7)));
  EXPECT_EQ(p1test::count_readings(p1test::run_stream(s.stream, wire)), 1u);
  return p1::GridValues(s.stream.reading());
}

TEST(ShellyEm, EmGetStatusOfAnEvnReadingGolden) {
  p1test::KeyedStream s;
  p1::GridValues v = evn_grid(0, 900, s);
  std::string text = call("EM.GetStatus", &v);
  EXPECT_EQ(text,
            "{\"id\":0,"
            "\"a_current\":1.510,\"a_voltage\":230.1,\"a_act_power\":-300.0,\"a_aprt_power\":347.5,\"a_pf\":0.95,\"a_freq\":null,"
            "\"b_current\":0.000,\"b_voltage\":231.0,\"b_act_power\":-300.0,\"b_aprt_power\":0.0,\"b_pf\":0.95,\"b_freq\":null,"
            "\"c_current\":0.000,\"c_voltage\":232.0,\"c_act_power\":-300.0,\"c_aprt_power\":0.0,\"c_pf\":0.95,\"c_freq\":null,"
            "\"n_current\":null,\"total_current\":1.510,\"total_act_power\":-900.0,\"total_aprt_power\":347.5,"
            "\"user_calibrated_phase\":[]}");
  json j = json::parse(text);
  EXPECT_EQ(j["total_act_power"].get<double>(), -900.0);  // exporting: negative, as a Shelly
  p1test::KeyedStream t;
  p1::GridValues importing = evn_grid(1500, 0, t);
  EXPECT_EQ(json::parse(call("EM.GetStatus", &importing))["total_act_power"].get<double>(), 1500.0);
}

TEST(ShellyEm, EmDataAndDeviceInfo) {
  p1test::KeyedStream s;
  p1::GridValues v = evn_grid(0, 0, s);
  json data = json::parse(call("EMData.GetStatus", &v));
  EXPECT_EQ(data["total_act"].get<double>(), 1000007.0);
  EXPECT_EQ(data["total_act_ret"].get<double>(), 3.0);
  EXPECT_TRUE(data["a_total_act_energy"].is_null());
  json info = json::parse(call("Shelly.GetDeviceInfo", nullptr));  // needs no reading
  EXPECT_EQ(info["id"], "shellypro3em-02A1B2C3D4E5");
  EXPECT_EQ(info["app"], "Pro3EM");
  EXPECT_EQ(info["gen"], 2);
}

TEST(ShellyEm, NoCurrentReadingIsAnErrorNeverNumbers) {
  int code = 0;
  EXPECT_EQ(call("EM.GetStatus", nullptr, &code), "Resource unavailable: no current meter reading");
  EXPECT_EQ(code, -114);
  call("EMData.GetStatus", nullptr, &code);
  EXPECT_EQ(code, -114);
  p1::ShellyAnswer a;
  a.code = -114;
  EXPECT_EQ(a.http_status(), 503);
  p1test::KeyedStream s;
  p1::GridValues v = evn_grid(1, 0, s);
  EXPECT_EQ(call("Switch.Set", &v, &code), "No handler for Switch.Set");
  EXPECT_EQ(code, 404);
  call("em.getstatus", &v, &code, 1);
  EXPECT_EQ(code, -105);  // only component 0 exists
}

std::string reply_to(const std::string& request, const p1::GridValues* values) {
  p1::ShellyRpcRequest rpc;
  EXPECT_EQ(p1::parse_shelly_rpc(p1::Span<const char>(request.data(), request.size()), rpc), p1::ShellyRpcError::kNone);
  char text[2048], out[2304];
  p1::Span<const char> name(rpc.method_name, rpc.method_length);
  p1::ShellyAnswer a = p1::shelly_answer(rpc.method, name, rpc.component, values, identity(), p1::CharSpan(text, sizeof text));
  auto r = p1::shelly_rpc_reply(rpc, "shellypro3em-02A1B2C3D4E5", a, p1::Span<const char>(text, a.length),
                                p1::CharSpan(out, sizeof out));
  EXPECT_TRUE(r);
  return r ? std::string(out, *r) : std::string();
}

TEST(ShellyRpc, UdpFrameCarriesIdSrcAndResultOrError) {
  p1test::KeyedStream s;
  p1::GridValues v = evn_grid(250, 0, s);
  json r = json::parse(reply_to(R"({"id":17,"src":"marstek","method":"EM.GetStatus","params":{"id":0}})", &v));
  EXPECT_EQ(r["id"], 17);
  EXPECT_EQ(r["src"], "shellypro3em-02A1B2C3D4E5");
  EXPECT_EQ(r["dst"], "marstek");
  EXPECT_EQ(r["result"]["total_act_power"].get<double>(), 250.0);
  json stale = json::parse(reply_to(R"({"id":"a\"b","method":"EM.GetStatus"})", nullptr));
  EXPECT_EQ(stale["id"], "a\"b");
  EXPECT_FALSE(stale.contains("dst"));
  EXPECT_FALSE(stale.contains("result"));
  EXPECT_EQ(stale["error"]["code"], -114);
}

// Found by fuzz_shelly_rpc: an unknown method of control characters, echoed
// in the error message, escapes to six times its length and must still fit.
TEST(ShellyRpc, UnknownMethodOfControlCharactersStillGetsAWholeErrorReply) {
  std::string request = "{\"id\":7,\"method\":\"" + std::string(40, '\x1f') + "\"}";
  json r = json::parse(reply_to(request, nullptr));
  EXPECT_EQ(r["error"]["code"], 404);
  EXPECT_EQ(r["error"]["message"].get<std::string>(), "No handler for " + std::string(31, '\x1f'));
}

TEST(ShellyRpc, RefusesMalformedRequestsWithTheExactReason) {
  struct Bad {
    const char* text;
    p1::ShellyRpcError error;
  };
  const Bad bad[] = {
      {"", p1::ShellyRpcError::kNotAnObject},
      {"[1,2]", p1::ShellyRpcError::kNotAnObject},
      {R"({"id":1,"method":"EM.GetStatus"} x)", p1::ShellyRpcError::kNotAnObject},
      {R"({"method":"EM.GetStatus"})", p1::ShellyRpcError::kBadId},
      {R"({"id":true,"method":"EM.GetStatus"})", p1::ShellyRpcError::kBadId},
      {R"({"id":{},"method":"EM.GetStatus"})", p1::ShellyRpcError::kBadId},
      {R"({"id":1234567890123456789012345,"method":"EM.GetStatus"})", p1::ShellyRpcError::kBadId},
      {R"({"id":1,"src":5,"method":"EM.GetStatus"})", p1::ShellyRpcError::kBadSrc},
      {R"({"id":1})", p1::ShellyRpcError::kNoMethod},
      {R"({"id":1,"method":7})", p1::ShellyRpcError::kNoMethod},
      {R"({"id":1,"method":"EM.GetStatus","params":3})", p1::ShellyRpcError::kBadParams},
      {R"({"id":1,"method":"EM.GetStatus","params":{"id":-1}})", p1::ShellyRpcError::kBadParams},
      {R"({"id":1,"method":"EM.GetStatus","params":{"id":70000}})", p1::ShellyRpcError::kBadParams},
  };
  for (const Bad& b : bad) {
    p1::ShellyRpcRequest rpc;
    EXPECT_EQ(p1::parse_shelly_rpc(p1::Span<const char>(b.text, std::strlen(b.text)), rpc), b.error) << b.text;
  }
  std::string longest(p1::kShellyMaxDatagram + 1, ' ');
  p1::ShellyRpcRequest rpc;
  EXPECT_EQ(p1::parse_shelly_rpc(p1::Span<const char>(longest.data(), longest.size()), rpc),
            p1::ShellyRpcError::kNotAnObject);
  const char* ok = R"({"id":1,"method":"EMData.GetStatus","params":null})";
  EXPECT_EQ(p1::parse_shelly_rpc(p1::Span<const char>(ok, std::strlen(ok)), rpc), p1::ShellyRpcError::kNone);
  EXPECT_EQ(rpc.method, p1::ShellyMethod::kEmDataGetStatus);
}

}  // namespace

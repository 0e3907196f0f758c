// The SunSpec register image: golden registers for real telegrams, the sign of
// power, "not implemented" for what a meter does not send, and a stale reading
// served as no values at all.
#include <gtest/gtest.h>

#include <cstring>

#include "p1/crypto/aes_gcm_bearssl.h"
#include "p1/output/freshness.h"
#include "p1/output/sunspec_meter.h"
#include "support/evn_fixture.h"
#include "support/testdata.h"

namespace {

using namespace p1::sunspec213;

struct Image {
  uint16_t r[p1::kSunSpecRegisterCount];
  uint16_t at(size_t register_address) const { return r[register_address - p1::kSunSpecBaseRegister]; }
  float f(size_t offset) const {
    uint32_t bits = static_cast<uint32_t>(r[offset]) << 16 | r[offset + 1];
    float v;
    std::memcpy(&v, &bits, sizeof v);
    return v;
  }
  bool nan(size_t offset) const { return r[offset] == 0x7FC0 && r[offset + 1] == 0; }
};

// Decodes a real telegram of testdata/telegrams/ into `reading` (kept in `stream`).
void decode_file(const std::string& id, p1::MeterStream& stream) {
  nlohmann::json t = p1test::load_telegram(id);
  p1::Aes128Key key;
  std::string k = t["key"];
  ASSERT_EQ(p1::Aes128Key::parse(p1::Span<const char>(k.data(), k.size()), key), p1::KeyParseError::kNone);
  stream.decoder().set_key(key);
  auto outcomes = p1test::run_stream(stream, p1enc::from_hex(t["hex"]));
  ASSERT_EQ(outcomes.size(), 1u);
  ASSERT_EQ(outcomes[0].event.kind, p1::StreamEvent::Kind::kReading);
}

Image image_of(const p1::GridValues& values, const char* serial = "181220000009") {
  Image image;
  p1::SunSpecIdentity id;
  id.serial = serial;
  id.version = "0.1.0";
  id.unit_id = 1;
  EXPECT_TRUE(p1::build_sunspec_meter(values, id, p1::Span<uint16_t>(image.r)));
  return image;
}

TEST(SunSpecMeter, ModelsAtTheAddressesFroniusReads) {
  Image im = image_of(p1::GridValues());
  EXPECT_EQ(im.at(40000), 0x5375);  // "Su"
  EXPECT_EQ(im.at(40001), 0x6E53);  // "nS"
  EXPECT_EQ(im.at(40002), 1);
  EXPECT_EQ(im.at(40003), 65);
  EXPECT_EQ(im.at(40004), 'F' << 8 | 'r');
  EXPECT_EQ(im.at(40006), 'i' << 8 | 'u');
  EXPECT_EQ(im.at(40007), 's' << 8);
  EXPECT_EQ(im.at(40008), 0);
  EXPECT_EQ(im.at(40020), 'S' << 8 | 'm');  // "Smart Meter 63A"
  EXPECT_EQ(im.at(40026), '6' << 8 | '3');
  EXPECT_EQ(im.at(40027), 'A' << 8);
  EXPECT_EQ(im.at(40044), '0' << 8 | '.');  // Vr "0.1.0"
  EXPECT_EQ(im.at(40052), '1' << 8 | '8');  // SN
  EXPECT_EQ(im.at(40057), '0' << 8 | '9');
  EXPECT_EQ(im.at(40058), 0);
  EXPECT_EQ(im.at(40068), 1);    // DA
  EXPECT_EQ(im.at(40069), 213);  // float three-phase wye meter
  EXPECT_EQ(im.at(40070), 124);
  EXPECT_EQ(im.at(40195), 0xFFFF);  // end model
  EXPECT_EQ(im.at(40196), 0);
  EXPECT_EQ(p1::kSunSpecRegisterCount, 197u);
}

TEST(SunSpecMeter, EvnSampleGoldenRegisters) {
  p1::BearSslAesGcm gcm;
  p1::MeterStream stream(&gcm);
  decode_file("at-netznoe-kaifa-ma309-docsample", stream);
  Image im = image_of(p1::GridValues(stream.reading()));
  // Currents 0.00 A on each phase, voltage 233.7 / 0 / 0 V.
  const uint16_t golden_a_to_phv[] = {0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
                                      0x429B, 0xCCCD, 0x4369, 0xB333, 0x0000, 0x0000, 0x0000, 0x0000};
  for (size_t i = 0; i < 16; ++i) EXPECT_EQ(im.at(40071 + i), golden_a_to_phv[i]) << 40071 + i;
  for (size_t a = 40087; a <= 40094; a += 2) EXPECT_EQ(im.at(a), 0x7FC0) << a;  // PPV: not sent
  EXPECT_EQ(im.at(40095), 0x7FC0);  // Hz: not sent
  EXPECT_EQ(im.at(40097), 0x0000);  // W: 0 (1.7.0 = 2.7.0 = 0)
  EXPECT_EQ(im.at(40098), 0x0000);
  EXPECT_EQ(im.at(40099), 0x7FC0);  // WphA: the meter sends no per-phase power
  EXPECT_EQ(im.at(40121), 0x3F80);  // PF 1.000
  EXPECT_EQ(im.at(40122), 0x0000);
  EXPECT_EQ(im.at(40129), 0x0000);  // TotWhExp 0
  EXPECT_EQ(im.at(40137), 0x464A);  // TotWhImp 12937 Wh
  EXPECT_EQ(im.at(40138), 0x2400);
  EXPECT_EQ(im.at(40193), 0);  // Evt: no events
  EXPECT_EQ(im.at(40194), 0);
}

TEST(SunSpecMeter, WienerNetzeSampleHasNoVoltagesButReactivePower) {
  p1::BearSslAesGcm gcm;
  p1::MeterStream stream(&gcm);
  decode_file("at-wienernetze-iskra-am550-b", stream);
  Image im = image_of(p1::GridValues(stream.reading()));
  EXPECT_TRUE(im.nan(kA));
  EXPECT_TRUE(im.nan(kPhV));
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(im.nan(kPhVph + 2 * i));
  EXPECT_TRUE(im.nan(kPF));
  EXPECT_EQ(im.f(kW), 0.0f);
  EXPECT_EQ(im.f(kVAR), 0.0f);
  EXPECT_EQ(im.at(40137), 0x4455);  // TotWhImp 855 Wh
  EXPECT_EQ(im.at(40129), 0x4376);  // TotWhExp 246 Wh
}

p1::GridValues evn_grid(uint32_t import_w, uint32_t export_w, p1::MeterStream& stream) {
  p1enc::EvnValues v = p1test::evn_values(1);
  v.power_import_w = import_w;
  v.power_export_w = export_w;
  auto wire = p1enc::mbus_frames(p1enc::cipher(p1enc::evn_notification(v), p1test::cipher_params(7)));
  auto outcomes = p1test::run_stream(stream, wire);
  EXPECT_EQ(p1test::count_readings(outcomes), 1u);
  return p1::GridValues(stream.reading());
}

TEST(SunSpecMeter, PowerIsPositiveWhileImportingAndNegativeWhileExporting) {
  p1test::KeyedStream a, b;
  Image importing = image_of(evn_grid(1234, 0, a.stream));
  EXPECT_EQ(importing.at(40097), 0x449A);  // +1234 W
  EXPECT_EQ(importing.at(40098), 0x4000);
  Image exporting = image_of(evn_grid(0, 1234, b.stream));
  EXPECT_EQ(exporting.at(40097), 0xC49A);  // -1234 W
  EXPECT_EQ(exporting.at(40098), 0x4000);
  EXPECT_EQ(exporting.f(kAph), 1.51f);  // 151 x 0.01 A
}

TEST(SunSpecMeter, StaleReadingIsServedAsNoValuesWithTheModelsInPlace) {
  p1test::KeyedStream s;
  p1::GridValues values = evn_grid(500, 0, s.stream);
  // The freshness rule: current for stale_after seconds, then not.
  EXPECT_TRUE(p1::reading_is_fresh(59999, 60));
  EXPECT_FALSE(p1::reading_is_fresh(60000, 60));
  Image fresh = image_of(values);
  Image stale = image_of(p1::GridValues());
  EXPECT_EQ(fresh.f(kW), 500.0f);
  for (size_t p = kData; p < kEvt; p += 2) EXPECT_TRUE(stale.nan(p)) << p1::kSunSpecBaseRegister + p;
  EXPECT_EQ(stale.at(40193), 0xFFFF);  // Evt not implemented
  EXPECT_EQ(stale.at(40194), 0xFFFF);
  EXPECT_EQ(stale.at(40069), 213);
  EXPECT_EQ(std::memcmp(stale.r, fresh.r, p1::kSunSpecMeterOffset * 2), 0);  // same common model
}

TEST(SunSpecMeter, RefusesABufferTooSmallAndCutsLongStrings) {
  uint16_t small[p1::kSunSpecRegisterCount - 1];
  EXPECT_FALSE(p1::build_sunspec_meter(p1::GridValues(), p1::SunSpecIdentity(), p1::Span<uint16_t>(small)));
  Image im = image_of(p1::GridValues(), "0123456789abcdef0123456789abcdefXYZ");
  EXPECT_EQ(im.at(40067), 'e' << 8 | 'f');  // the 32nd character, then DA
  EXPECT_EQ(im.at(40068), 1);
}

}  // namespace

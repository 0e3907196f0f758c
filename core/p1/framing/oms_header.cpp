#include "p1/framing/oms_header.h"

namespace p1 {

Result<OmsHeader> parse_oms_header(MutableByteSpan frame) {
  if (frame.size() < OmsHeader::kLinkBytes + OmsHeader::kLongHeaderBytes) return Error::kOmsHeaderTruncated;
  OmsHeader h;
  h.control = frame[0];
  h.address = frame[1];
  h.ci = frame[2];
  const uint8_t* p = frame.data() + OmsHeader::kLinkBytes;
  for (size_t i = 0; i < 4; ++i) h.ident[i] = p[i];
  h.manufacturer[0] = p[4];
  h.manufacturer[1] = p[5];
  h.version = p[6];
  h.medium = p[7];
  h.access_number = p[8];
  h.status = p[9];
  h.configuration = static_cast<uint16_t>(p[10] | p[11] << 8);
  h.records = frame.subspan(OmsHeader::kLinkBytes + OmsHeader::kLongHeaderBytes);
  return h;
}

void OmsHeader::iv(uint8_t out[16]) const {
  out[0] = manufacturer[0];
  out[1] = manufacturer[1];
  for (size_t i = 0; i < 4; ++i) out[2 + i] = ident[i];
  out[6] = version;
  out[7] = medium;
  for (size_t i = 8; i < 16; ++i) out[i] = access_number;
}

void OmsHeader::manufacturer_letters(char out[3]) const {
  unsigned code = static_cast<unsigned>(manufacturer[0] | manufacturer[1] << 8);
  out[0] = static_cast<char>('@' + (code >> 10 & 0x1F));
  out[1] = static_cast<char>('@' + (code >> 5 & 0x1F));
  out[2] = static_cast<char>('@' + (code & 0x1F));
}

}  // namespace p1

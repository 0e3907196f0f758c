#include "p1/dlms/data_notification.h"

#include "p1/dlms/axdr.h"

namespace p1 {

Error decode_notification(ByteSpan plaintext, const uint8_t system_title[8], const BodyLayout* forced_layout,
                          Reading& out) {
  if (plaintext.empty() || plaintext[0] != kTagDataNotification) return Error::kNotDataNotification;
  size_t pos = 5;  // tag + invoke id
  if (plaintext.size() < pos + 1) return Error::kApduTruncated;
  uint8_t time_length = plaintext[pos];
  if (time_length == static_cast<uint8_t>(AxdrType::kOctetString)) {
    // Some meters send the optional date-time as a tagged octet-string.
    ++pos;
    if (plaintext.size() < pos + 1) return Error::kApduTruncated;
    time_length = plaintext[pos];
  }
  ++pos;
  if (time_length != 0) {
    if (time_length != DlmsDateTime::kSize) return Error::kDateTimeInvalid;
    if (plaintext.size() < pos + time_length) return Error::kApduTruncated;
    if (!DlmsDateTime::parse(plaintext.subspan(pos, time_length), out.header_time)) return Error::kDateTimeInvalid;
    out.has_header_time = true;
    pos += time_length;
  }
  ByteSpan body = plaintext.subspan(pos);
  out.body = body;
  BodyContext context{body, system_title};
  const BodyLayout* layout = forced_layout != nullptr ? forced_layout : detect_body_layout(context);
  if (layout == nullptr) {
    // Garbage (a wrong key) must read as an A-XDR error, not as an unknown layout.
    Error structural = validate_axdr_value(body);
    return structural != Error::kNone ? structural : Error::kUnknownLayout;
  }
  out.layout = layout->name;
  AxdrReader reader(body);
  Error error = layout->decode(*layout, context, reader, out);
  if (error == Error::kNone && !reader.at_end()) error = Error::kAxdrTrailingBytes;
  if (error != Error::kNone && stage_of(error) != Stage::kApdu) {
    // One pass on the good path; the full structural check only to classify a
    // failure as malformed A-XDR rather than an unexpected layout.
    Error structural = validate_axdr_value(body);
    if (structural != Error::kNone) error = structural;
  }
  return error;
}

}  // namespace p1

#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets other than fuzz_stream (whose
seeds are testdata/fuzz-corpus) into tests/fuzz/corpus/<target>/. The files
are committed; run this again after changing an input format."""
import json
import os
import struct
import zlib

ROOT = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(ROOT))
OUT = os.path.join(ROOT, "corpus")


def write(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def telegrams():
    d = os.path.join(REPO, "testdata", "telegrams")
    for name in sorted(os.listdir(d)):
        if name.endswith(".json"):
            with open(os.path.join(d, name)) as f:
                yield name[:-5], json.load(f)


# fuzz_frames: the wire bytes of every shared telegram, and the HDLC frame
# whose control byte sits at the FCS position.
def crc16_x25(data):
    crc = 0xFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x8408 if crc & 1 else crc >> 1
    return crc ^ 0xFFFF


for tid, t in telegrams():
    write("fuzz_frames", tid, bytes.fromhex(t["hex"]))
head = bytes([0x7E, 0xA0, 0x07, 0x02, 0x03, 0x05])
fcs = crc16_x25(head[1:])
write("fuzz_frames", "hdlc-control-at-fcs", head + struct.pack("<H", fcs) + b"\x7e" + bytes(range(40)))
write("fuzz_frames", "huge-cipher-length", bytes([0xDB, 0x08]) + b"SAG" + bytes([1, 2, 3, 4, 5, 0x84, 0xFF, 0xFF, 0xFF, 0xF6, 0x20, 0, 0, 0, 1]) + bytes(40))

# fuzz_hex: mode byte, then hex text as captures have it.
with open(os.path.join(REPO, "testdata", "evn-sample.hex"), "rb") as f:
    sample = f.read()
write("fuzz_hex", "evn-sample", b"\x08" + sample)
write("fuzz_hex", "evn-sample-chunked", b"\x0b" + sample[:400])
write("fuzz_hex", "spaced", b"\x0a" + b"68 fa FA 68\r\n53 ff\t00 01 6")
write("fuzz_hex", "not-hex", b"\x09" + b"0F 00 17 FA xyz")

# fuzz_settings: slot size, scenario, then two slots (version 2 and 1).
def record(version, payload, sequence):
    header = b"P1ST" + bytes([version, 0]) + struct.pack("<HI", len(payload), sequence)
    body = header + payload
    return body + struct.pack("<I", zlib.crc32(body) & 0xFFFFFFFF)


def v2(fields):
    out = b""
    for fid, value in fields:
        out += bytes([fid, len(value)]) + value
    return out


new = record(2, v2([(2, b"broker.local"), (3, b"8883"), (11, b"36C66639E48A8CA4D6BC8B282A793BBB"),
                    (13, b"wiener-netze"), (40, b"from a newer schema")]), 5)
old_fields = [b"ssid", b"password1", b"192.168.1.10", struct.pack("<H", 1883), b"[insecure]", b"user", b"pw",
              b"client", b"smartmeter", bytes([2]), b"webkey123", b"36C66639E48A8CA4D6BC8B282A793BBB"]
payload1 = b""
for i, v in enumerate(old_fields):
    payload1 += v if i in (3, 9) else v + b"\0"
old = record(1, payload1, 4)
size = 2 * 1800
for scenario in (0, 8):
    slots = new.ljust(len(new) + 4, b"\xff") + old
    write("fuzz_settings", "v2-v1-%d" % scenario, struct.pack("<H", size) + bytes([scenario]) + slots)
write("fuzz_settings", "v1-only", struct.pack("<H", size) + b"\x00" + old + old)
write("fuzz_settings", "v2-record", struct.pack("<H", size) + b"\x08" + new)

# fuzz_wizard: flags, then (key, time step) pairs.
def keys(flags, text, step=1):
    out = bytes([flags])
    for c in text:
        out += bytes([ord(c), step])
    return out


answers = "\r" * 30
write("fuzz_wizard", "enter-everything", keys(0, answers))
write("fuzz_wizard", "offer-edit", keys(2, "s" + "\r\r\r1883x\b\r" + "\r" * 20))
write("fuzz_wizard", "device-values", keys(1, "home\rsecret-pass\rbroker\r8883\r\r\r\r\r\r1\r\r" +
                                         "36C66639E48A8CA4D6BC8B282A793BBB\r\r" + "\r" * 10))
write("fuzz_wizard", "cancel", keys(0, "broker\x03"))
write("fuzz_wizard", "clear", keys(2, "c"))
write("fuzz_wizard", "timeout", keys(2, "x", 255))


# fuzz_improv: a byte choosing the builders' strings, then serial bytes.
def improv(packet_type, data):
    p = b"IMPROV" + bytes([1, packet_type, len(data)]) + data
    return p + bytes([sum(p) & 0xFF])


wifi = bytes([1, 2 + 4 + 8]) + bytes([4]) + b"home" + bytes([8]) + b"password"
wifi = bytes([1, len(wifi) - 2]) + wifi[2:]
write("fuzz_improv", "wifi-settings", b"\x05" + improv(3, wifi))
write("fuzz_improv", "device-info", b"\x09" + improv(3, bytes([3, 0])) + b"Innsbruck\r")
write("fuzz_improv", "typed-text", b"\x00" + b"IMPRESSIVE Innsbruck IMPROV\x02")


# fuzz_shelly_rpc: datagrams as batteries send them, and near misses.
write("fuzz_shelly_rpc", "em-status", b'{"id":1,"src":"cli","method":"EM.GetStatus","params":{"id":0}}')
write("fuzz_shelly_rpc", "emdata-string-id", b'{"id":"a\\"b","method":"EMData.GetStatus","params":null}')
write("fuzz_shelly_rpc", "device-info", b'{"id":7,"method":"Shelly.GetDeviceInfo"}')
write("fuzz_shelly_rpc", "unknown-escaped-src", b'{"id":-2.5e3,"src":"\\u00e9\\n","method":"Switch.Set","params":{"id":3}}')


# Push lists (DLMS push setup, class 40) and flat lists with a list
# identifier, as plaintext data-notifications: for fuzz_body (layout byte,
# manufacturer, APDU), fuzz_frames (the APDU, and in one HDLC frame) and the
# stream fuzzer's corpus testdata/fuzz-corpus (mode 0x60: a direct APDU, no
# key), so the fuzzers start inside the capture-object list decoding.
def axdr_len(n):
    return bytes([n]) if n < 0x80 else bytes([0x81, n]) if n < 0x100 else bytes([0x82, n >> 8, n & 0xFF])


def octets(b):
    return b"\x09" + axdr_len(len(b)) + b


def visible(s):
    return b"\x0a" + axdr_len(len(s)) + s.encode()


def struct_of(items, tag=0x02):
    return bytes([tag]) + axdr_len(len(items)) + b"".join(items)


def u32(v):
    return b"\x06" + struct.pack(">I", v)


def u16(v):
    return b"\x12" + struct.pack(">H", v)


def scaler_unit(scaler, unit):
    return bytes([0x02, 0x02, 0x0F, scaler & 0xFF, 0x16, unit])


def capture(class_id, obis, attribute):
    return struct_of([u16(class_id), octets(bytes(obis)), bytes([0x0F, attribute]), u16(0)])


def notification(items):
    return b"\x0f\x00\x00\x00\x01\x00" + struct_of(items)


CLOCK = bytes([0x07, 0xE9, 6, 7, 6, 8, 9, 10, 0, 0xFF, 0x88, 0x80])
PUSH = [0, 0, 25, 9, 0, 255]
e450_push = notification([
    struct_of([capture(40, PUSH, 2), capture(40, PUSH, 1), capture(1, [0, 0, 96, 1, 0, 255], 2),
               capture(8, [0, 0, 1, 0, 0, 255], 2), capture(3, [1, 0, 1, 8, 0, 255], 2),
               capture(3, [1, 0, 1, 8, 0, 255], 3), capture(3, [1, 0, 32, 7, 0, 255], 3),
               capture(3, [1, 0, 32, 7, 0, 255], 2), capture(3, [1, 0, 1, 7, 0, 255], 2)], 0x01),
    octets(bytes(PUSH)), octets(b"LGZ1030655933512"), octets(CLOCK), u32(1234567), scaler_unit(0, 30),
    scaler_unit(-1, 35), u16(2301), u32(500)])
nested_push = notification([
    struct_of([capture(40, PUSH, 2), capture(3, [1, 0, 2, 8, 0, 255], 2), capture(3, [1, 0, 2, 8, 0, 255], 3)],
              0x01),
    struct_of([u32(77), scaler_unit(3, 30)])])
kamstrup = notification([
    visible("Kamstrup_V0001"), octets(bytes([1, 1, 0, 0, 5, 255])), visible("5706567274389702"),
    octets(bytes([1, 1, 1, 7, 0, 255])), u32(1470), octets(bytes([1, 1, 32, 7, 0, 255])), u16(229),
    octets(bytes([0, 1, 1, 0, 0, 255])), octets(CLOCK), octets(bytes([1, 1, 1, 8, 0, 255])), u32(9876543)])
listed_scalers = notification([
    octets(CLOCK), octets(b"LIST-02"), octets(bytes([1, 0, 1, 8, 0, 255])), u32(12345), scaler_unit(1, 30),
    octets(bytes([1, 0, 1, 7, 0, 255])), u32(42)])
pushes = [("push-e450", b"LGZ", e450_push), ("push-nested", b"LGZ", nested_push),
          ("flat-kamstrup", b"KAM", kamstrup), ("flat-list-id-scalers", b"LGZ", listed_scalers)]


def hdlc(info):
    frame = bytes([0xA0 | ((len(info) + 12) >> 8), (len(info) + 12) & 0xFF, 0x03, 0x41, 0x13])
    frame += struct.pack("<H", crc16_x25(frame))
    frame += b"\xe6\xe7\x00" + info
    frame += struct.pack("<H", crc16_x25(frame))
    return b"\x7e" + frame + b"\x7e"


for name, maker, apdu in pushes:
    write("fuzz_body", name, b"\x00" + maker + apdu)
    write("fuzz_frames", name, hdlc(apdu))
    with open(os.path.join(REPO, "testdata", "fuzz-corpus", name + ".plain"), "wb") as f:
        f.write(b"\x60" + apdu)
for tid, t in telegrams():
    if t.get("plaintext_hex"):
        maker = bytes.fromhex(t.get("security", {}).get("system_title") or "000000")[:3]
        write("fuzz_body", tid, b"\x00" + maker + bytes.fromhex(t["plaintext_hex"]))

# fuzz_hex_dump: text (mode 0) as the tools print it, and bytes (mode 4) to
# be printed by the target itself.
for name in sorted(os.listdir(os.path.join(REPO, "testdata", "dumps"))):
    with open(os.path.join(REPO, "testdata", "dumps", name), "rb") as f:
        write("fuzz_hex_dump", name, b"\x00" + f.read())
write("fuzz_hex_dump", "evn-bytes", b"\x04" + bytes.fromhex(sample.decode().strip()))
write("fuzz_hex_dump", "not-a-dump", b"\x00" + b"00000000  68 fa\n00000020  00\n*\nzz")


# fuzz_mbus_records / fuzz_oms_frame: the AMIS spec sample's plaintext
# records (byte 0 even: maker SAM) and its frame (mode 0x0D: key
# configured, the whole input at once; 0x01: byte by byte), behind a search
# frame and an echoed E5.
for tid, t in telegrams():
    if t.get("format") != "mbus-snd-ud-oms":
        continue
    write("fuzz_mbus_records", tid, bytes([0]) + bytes.fromhex(t["plaintext_hex"]))
    wire = bytes.fromhex("1040F03016") + bytes([0xE5]) + bytes.fromhex(t["hex"])
    write("fuzz_oms_frame", tid, bytes([0x0D]) + wire)
    write("fuzz_oms_frame", tid + "-bytewise", bytes([0x01]) + wire)


# fuzz_modbus_tcp: byte 0 picks the unit id and the chunking (high bit clear:
# unit 1), then one connection's stream as inverters and scanners send it.
def mbap(transaction, pdu, unit=1, protocol=0):
    return struct.pack(">HHHB", transaction, protocol, len(pdu) + 1, unit) + pdu


def read(transaction, function, address, quantity, unit=1):
    return mbap(transaction, struct.pack(">BHH", function, address, quantity), unit)


# A Fronius inverter's walk: marker, common model, meter model, end model.
walk = (read(1, 3, 40000, 2) + read(2, 3, 40002, 67) + read(3, 3, 40069, 2) + read(4, 3, 40071, 124) +
        read(5, 3, 40195, 2))
write("fuzz_modbus_tcp", "sunspec-walk", b"\x05" + walk)
write("fuzz_modbus_tcp", "exceptions", b"\x00" + read(6, 3, 40197, 1) + read(7, 4, 40000, 0) + read(8, 3, 40000, 126) +
      mbap(9, struct.pack(">BHH", 6, 40097, 7)) + read(10, 3, 40000, 2, unit=2))
write("fuzz_modbus_tcp", "write-then-read", b"\x01" + mbap(11, struct.pack(">BHHB", 16, 40097, 8, 16) + bytes(16)) +
      read(12, 4, 40190, 7))
write("fuzz_modbus_tcp", "other-unit", b"\x83" + read(13, 3, 40000, 2, unit=0x83) + read(14, 3, 40000, 2))
write("fuzz_modbus_tcp", "bad-protocol", b"\x02" + read(15, 3, 40000, 2) + mbap(16, b"\x03\x9c\x40\x00\x02", protocol=1))
write("fuzz_modbus_tcp", "short-read", b"\x03" + mbap(17, b"\x03\x9c\x40"))


# fuzz_history_ring: mode, op count, 8 bytes per op (kind | scale << 4, time
# step, import step, export step, power), then the file (none: a fresh one).
def ring_op(kind, dt, dimp=0, dexp=0, power=0, scale=0):
    return struct.pack("<BhhBh", kind | (scale << 4), dt, dimp, dexp, power)


def ring_seed(ops, mode=0):
    return bytes([mode, len(ops)]) + b"".join(ops)


# A day at one reading a minute (scale 1: 61 s steps) with quarter hours, writes and answers.
day = []
for minute in range(0, 200):
    day.append(ring_op(0, 1, 3, minute % 2, 400 - minute, scale=1))
    if minute % 15 == 14:
        day.append(ring_op(2, 0, 0, 1, 120))
        day.append(ring_op(3, 0))
write("fuzz_history_ring", "readings-quarters-writes", ring_seed(day[:250]))
write("fuzz_history_ring", "restart-and-pages",
      ring_seed([ring_op(0, 1, 5, scale=15), ring_op(3, 0), ring_op(4, 0), ring_op(0, 600, 5), ring_op(5, 0, 0, 200, 0),
                 ring_op(5, 0, 0, 40, 2), ring_op(5, 0, 0, 0, 4)]))
write("fuzz_history_ring", "clock-back-and-meter-swap",
      ring_seed([ring_op(0, 100, 10, scale=15), ring_op(0, -3600, 10), ring_op(0, 30, -30000), ring_op(1, 5, 0, 0, -9000),
                 ring_op(3, 0, 0, 0xFF), ring_op(0, 900, 1), ring_op(3, 0), ring_op(5, 0, 0, 255, 0)], mode=1))

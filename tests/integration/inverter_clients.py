#!/usr/bin/python3
"""Clients of p1bridge's inverter-facing servers, as an inverter or battery
reads them; each prints one JSON object for the integration test.

  inverter_clients.py sunspec PORT      SunSpec map via pymodbus (Debian's python3-pymodbus)
  inverter_clients.py shelly-http PORT PATH
  inverter_clients.py shelly-post PORT REQUEST     (POST /rpc)
  inverter_clients.py shelly-udp PORT REQUEST
"""
import json
import math
import socket
import struct
import sys
import urllib.error
import urllib.request

HOST = "127.0.0.1"


def registers(client, start, count):
    out = []
    while count > 0:
        n = min(count, 100)
        try:
            r = client.read_holding_registers(start, n, slave=1)
        except TypeError:  # pymodbus 2.x
            r = client.read_holding_registers(start, n, unit=1)
        if r.isError():
            raise SystemExit("read %d+%d failed: %s" % (start, n, r))
        out += r.registers
        start += n
        count -= n
    return out


def text(regs):
    return b"".join(struct.pack(">H", r) for r in regs).rstrip(b"\0").decode()


def f32(regs, i):
    v = struct.unpack(">f", struct.pack(">HH", regs[i], regs[i + 1]))[0]
    return None if math.isnan(v) else v


def sunspec(port):
    try:
        from pymodbus.client import ModbusTcpClient
    except ImportError:
        from pymodbus.client.sync import ModbusTcpClient
    client = ModbusTcpClient(HOST, port=port)
    if not client.connect():
        raise SystemExit("cannot connect")
    # Walk the models the way a SunSpec client does: marker, then id/length pairs.
    base = 40000
    regs = registers(client, base, 2)
    out = {"marker": text(regs), "models": []}
    address = base + 2
    while True:
        header = registers(client, address, 2)
        out["models"].append([header[0], header[1]])
        if header[0] == 0xFFFF:
            break
        body = registers(client, address + 2, header[1])
        if header[0] == 1:
            out.update(mn=text(body[0:16]), md=text(body[16:32]), sn=text(body[48:64]), da=body[64])
        if header[0] == 213:
            names = ["A", "AphA", "AphB", "AphC", "PhV", "PhVphA", "PhVphB", "PhVphC", "PPV", "PPVphAB", "PPVphBC",
                     "PPVphCA", "Hz", "W", "WphA", "WphB", "WphC", "VA", "VAphA", "VAphB", "VAphC", "VAR", "VARphA",
                     "VARphB", "VARphC", "PF", "PFphA", "PFphB", "PFphC", "TotWhExp", "TotWhExpPhA", "TotWhExpPhB",
                     "TotWhExpPhC", "TotWhImp"]
            out["points"] = {n: f32(body, 2 * i) for i, n in enumerate(names)}
        address += 2 + header[1]
        if len(out["models"]) > 10:
            break
    client.close()
    print(json.dumps(out))


def shelly_http(port, path, body=None):
    url = "http://%s:%d%s" % (HOST, port, path)
    request = urllib.request.Request(url, data=body.encode() if body is not None else None)
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            print(json.dumps({"status": r.status, "body": json.loads(r.read())}))
    except urllib.error.HTTPError as e:
        print(json.dumps({"status": e.code, "body": json.loads(e.read())}))


def shelly_udp(port, request):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(10)
    s.sendto(request.encode(), (HOST, port))
    print(json.dumps({"reply": json.loads(s.recv(4096))}))


if __name__ == "__main__":
    kind, port = sys.argv[1], int(sys.argv[2])
    if kind == "sunspec":
        sunspec(port)
    elif kind == "shelly-http":
        shelly_http(port, sys.argv[3])
    elif kind == "shelly-post":
        shelly_http(port, "/rpc", sys.argv[3])
    else:
        shelly_udp(port, sys.argv[3])

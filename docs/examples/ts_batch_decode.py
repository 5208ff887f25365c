#!/usr/bin/env python3
"""Decodes Outpost ts-batch payloads and their point tables (docs/uplink-formats.md, "ts-batch").

Standard library only; zstd-compressed payloads need zstandard (pip install zstandard, Debian python3-zstandard).

As a library:
    receiver = Receiver(dictionaries={dict_id: dict_bytes})
    for reading in receiver.on_message(topic, payload):   # every message of the batch topics and their _table/+
        ...                                                # batches wait until their table has arrived
As a command:
    ts_batch_decode.py --table TABLE_FILE [--table ...] [--dict FILE ...] < batch_payload
    prints one JSON line per reading (floats also as "bits", the IEEE 754 bits in hex) and per other message.
"""
import json
import struct
import sys

from uplink_decode import decompress

BATCH_MARKER = 0xE1
TABLE_MARKER = 0xE2
TABLE_LEVEL = "/_table/"
XOR = 0xFF
POW10 = [float(10 ** d) for d in range(16)]  # exact doubles
KINDS = ["null", "bool", "int", "uint64", "float64", "float32", "text", "array"]
STATUS = ["good", "uncertain", "bad"]
U_WIDTHS = [0, 4, 8, 16]
U_BASES = [0, 1, 17, 273]
RICE_ESCAPE = 16
M64 = (1 << 64) - 1
EMPTY_TABLE = {"id": 0, "entries": []}  # batches without readings name table 0, which is never published


class FormatError(ValueError):
    pass


def _signed64(u):
    u &= M64
    return u - (1 << 64) if u >> 63 else u


def _unzigzag(u):
    return (u >> 1) ^ -(u & 1)


class _Bytes:
    def __init__(self, data, pos):
        self.data, self.pos = data, pos

    def u8(self):
        if self.pos >= len(self.data):
            raise FormatError("the payload ends early at byte %d" % self.pos)
        self.pos += 1
        return self.data[self.pos - 1]

    def varint(self):
        v, shift = 0, 0
        while shift < 70:
            b = self.u8()
            v |= (b & 0x7F) << shift
            if not b & 0x80:
                return v & M64
            shift += 7
        raise FormatError("a varint longer than 10 bytes")

    def take(self, n):
        if n > len(self.data) - self.pos:
            raise FormatError("a length of %d bytes runs past the end" % n)
        self.pos += n
        return bytes(self.data[self.pos - n:self.pos])

    def text(self):
        return self.take(self.varint()).decode("utf-8")


class _Bits:
    """Bits most significant first."""

    def __init__(self, data, byte_pos):
        self.data, self.pos, self.end = data, byte_pos * 8, len(data) * 8

    def bits(self, n):
        if self.end - self.pos < n:
            raise FormatError("the bit stream ends early")
        v = 0
        while n > 0:
            byte = self.data[self.pos >> 3]
            avail = 8 - (self.pos & 7)
            take = min(avail, n)
            v = (v << take) | ((byte >> (avail - take)) & ((1 << take) - 1))
            self.pos += take
            n -= take
        return v

    def bit(self):
        return self.bits(1) == 1

    def u(self):
        ones = 0
        while ones < 4 and self.bit():
            ones += 1
        if ones < 4:
            return U_BASES[ones] + self.bits(U_WIDTHS[ones])
        return self.bits(self.bits(6) + 1)

    def s(self):
        return _unzigzag(self.u())

    def rice(self, k):
        q = 0
        while q < RICE_ESCAPE and self.bit():
            q += 1
        if q == RICE_ESCAPE:
            return self.u()
        return (q << k) | self.bits(k)

    def text(self):
        n = self.u()
        if n > (self.end - self.pos) // 8:
            raise FormatError("a text of %d bytes runs past the end" % n)
        return bytes(self.bits(8) for _ in range(n)).decode("utf-8")

    def aligned_byte(self):
        return (self.pos + 7) >> 3


def _float(bits, single):
    return struct.unpack(">f", struct.pack(">I", bits))[0] if single else struct.unpack(">d", struct.pack(">Q", bits))[0]


def _float_bits(value, single):
    return struct.unpack(">I", struct.pack(">f", value))[0] if single else struct.unpack(">Q", struct.pack(">d", value))[0]


def _real(bits, single):
    """A float reading: its value and its exact bits (NaN payloads survive only in the bits)."""
    return {"kind": "float32" if single else "float64", "value": _float(bits, single),
            "bits": "%0*x" % (8 if single else 16, bits)}


def _raw(r, depth=0):
    kind = r.bits(3)
    if kind == 0:
        return {"kind": "null", "value": None}
    if kind == 1:
        return {"kind": "bool", "value": r.bit()}
    if kind == 2:
        return {"kind": "int", "value": r.s()}
    if kind == 3:
        return {"kind": "uint64", "value": r.u()}
    if kind == 4:
        return _real(r.bits(64), False)
    if kind == 5:
        return _real(r.bits(32), True)
    if kind == 6:
        return {"kind": "text", "value": r.text()}
    if depth >= 16:
        raise FormatError("arrays nest deeper than 16")
    items = [_raw(r, depth + 1) for _ in range(r.u())]
    return {"kind": "array", "value": items}


def parse_table(payload, dictionaries=None):
    """A point table from its retained payload: {"id", "entries": [{device, point, kind, scheme, rice, ref}]}."""
    data = decompress(payload, dictionaries)
    if len(data) < 6 or data[0] != TABLE_MARKER or data[1] != 0:
        raise FormatError("not a ts-batch point table")
    table_id = int.from_bytes(data[2:6], "big")
    b = _Bytes(data, 6)
    entries = []
    for _ in range(b.varint()):
        e = {"device": b.text(), "point": b.text(), "kind": b.u8(), "scheme": 0, "rice": 0, "ref": None}
        kind = e["kind"]
        if kind == 1:
            e["ref"] = b.u8() != 0
        elif kind == 2:
            e["rice"] = b.u8()
            e["ref"] = _unzigzag(b.varint())
        elif kind == 3:
            e["rice"] = b.u8()
            e["ref"] = b.varint()
        elif kind == 6:
            e["ref"] = b.text()
        elif kind in (4, 5):
            e["scheme"] = b.u8()
            if e["scheme"] == XOR:
                e["ref"] = int.from_bytes(b.take(8 if kind == 4 else 4), "big")  # the reference's bits
            elif e["scheme"] <= 15:
                e["rice"] = b.u8()
                e["ref"] = _unzigzag(b.varint())  # the scaled integer
            else:
                raise FormatError("float scheme %d" % e["scheme"])
        elif kind not in (0, 7):
            raise FormatError("unknown kind %d" % kind)
        if e["rice"] > 62:
            raise FormatError("Rice parameter %d" % e["rice"])
        entries.append(e)
    if b.pos != len(data):
        raise FormatError("bytes after the table's last entry")
    return {"id": table_id, "entries": entries}


def batch_table_id(payload, dictionaries=None):
    data = decompress(payload, dictionaries)
    if len(data) < 7 or data[0] != BATCH_MARKER:
        raise FormatError("not a ts-batch payload")
    return int.from_bytes(data[2:6], "big")


def decode_batch(payload, table, dictionaries=None):
    """Returns (readings, messages) of one batch decoded with its table (see parse_table)."""
    data = decompress(payload, dictionaries)
    if len(data) < 7 or data[0] != BATCH_MARKER or data[1] & ~3:
        raise FormatError("not a ts-batch payload")
    flags = data[1]
    if int.from_bytes(data[2:6], "big") != table["id"]:
        raise FormatError("the batch names table %08x, not %08x" % (int.from_bytes(data[2:6], "big"), table["id"]))
    history = bool(flags & 1)
    b = _Bytes(data, 6)
    base = _unzigzag(b.varint())
    r = _Bits(data, b.pos)
    entries = table["entries"]
    counts = [0] * len(entries)

    def count():
        if r.bit():
            return 1
        c = r.u()
        return c + 1 if c else 0

    if not r.bit():
        for i in range(len(entries)):
            counts[i] = count()
    else:
        index = -1
        for _ in range(r.u()):
            index += 1 + r.u()
            if index >= len(entries):
                raise FormatError("entry %d is not in the table" % index)
            counts[index] += count()
    n = sum(counts)
    if n > r.end - r.pos:
        raise FormatError("more readings than bits")
    times = []
    prev_first, interval = base, 0
    for c in counts:
        if c == 0:
            continue
        t = prev_first + r.s()
        prev_first = t
        times.append(t)
        for _ in range(c - 1):
            interval += r.s()
            t += interval
            times.append(t)
    plain, state = [], True
    while len(plain) < n:
        run = r.u()
        if run > n - len(plain):
            raise FormatError("a run past the last reading")
        plain.extend([state] * run)
        state = not state
    readings = []
    i = 0
    for e, c in zip(entries, counts):
        if c == 0:
            continue
        kind, single = e["kind"], e["kind"] == 5
        prev = e["ref"]
        for _ in range(c):
            reading = {"device": e["device"], "point": e["point"], "ts": times[i], "quality": "good", "reason": "",
                       "history": history}
            if not plain[i]:
                status = r.bits(2)
                if status > 2:
                    raise FormatError("quality 3")
                reading["quality"] = STATUS[status]
                reading["reason"] = r.text()
                reading.update(_raw(r))
            elif kind == 1:
                reading.update(kind="bool", value=r.bit())
            elif kind in (2, 3):
                prev = (prev + _unzigzag(r.rice(e["rice"]))) & M64
                value = _signed64(prev) if kind == 2 else prev
                reading.update(kind=KINDS[kind], value=value)
            elif kind == 6:
                if r.bit():
                    prev = r.text()
                reading.update(kind="text", value=prev)
            elif kind in (4, 5) and e["scheme"] == XOR:
                if r.bit():
                    width, field = (32, 5) if single else (64, 6)
                    lz = r.bits(field)
                    length = r.bits(field) + 1
                    if lz + length > width:
                        raise FormatError("XOR wider than the value")
                    prev ^= r.bits(length) << (width - lz - length)
                reading.update(_real(prev, single))
            elif kind in (4, 5):
                code = r.rice(e["rice"])
                if code == 1:
                    reading.update(_real(r.bits(32 if single else 64), single))
                else:
                    if code:
                        prev = _signed64(prev + _unzigzag(code - 1))
                    value = prev / POW10[e["scheme"]]
                    reading.update(_real(_float_bits(value, single), single))
            elif kind == 7:
                reading.update(_raw(r))
            else:
                raise FormatError("a plain reading of a null point")
            readings.append(reading)
            i += 1
    messages = []
    if flags & 2:
        m = _Bytes(data, r.aligned_byte())
        for _ in range(m.varint()):
            topic = m.take(m.varint()).decode("utf-8")
            ts = base + _unzigzag(m.varint())
            messages.append({"topic": topic, "ts": ts, "payload": m.take(m.varint()), "history": history})
    return readings, messages


class Receiver:
    """A consumer of ts-batch topics: keeps the tables it sees, decodes batches, holds batches whose table is missing.

    Subscribe to the batch topics and to their tables (a filter like "sites/#" covers both; the tables are retained,
    so a new subscription receives them at once). A batch that names a table not received yet waits for it.
    """

    def __init__(self, dictionaries=None):
        self.dictionaries = dictionaries
        self.tables = {}   # (batch topic, id) -> table
        self.waiting = {}  # (batch topic, id) -> [payload]

    def on_message(self, topic, payload):
        """Returns the readings this message makes decodable (and keeps non-reading messages in the result too)."""
        if TABLE_LEVEL in topic:
            if not payload:
                return []  # a table the gateway no longer uses was cleared
            batch_topic, _, hex_id = topic.rpartition(TABLE_LEVEL)
            table = parse_table(payload, self.dictionaries)
            if "%08x" % table["id"] != hex_id:
                raise FormatError("table %08x published on %s" % (table["id"], topic))
            self.tables[(batch_topic, table["id"])] = table
            out = []
            for p in self.waiting.pop((batch_topic, table["id"]), []):
                out.extend(decode_batch(p, table, self.dictionaries)[0])
            return out
        key = (topic, batch_table_id(payload, self.dictionaries))
        if key[1] == 0:
            return decode_batch(payload, EMPTY_TABLE, self.dictionaries)[0]
        if key not in self.tables:
            self.waiting.setdefault(key, []).append(payload)
            return []
        return decode_batch(payload, self.tables[key], self.dictionaries)[0]


def _main(argv):
    dictionaries, tables, args = {}, {}, list(argv)
    while args and args[0] in ("--dict", "--table"):
        content = open(args[1], "rb").read()
        if args[0] == "--dict":
            dict_id = int.from_bytes(content[4:8], "little") if content[:4] == b"\x37\xa4\x30\xec" else 0
            dictionaries[dict_id] = content
        else:
            tables[args[1]] = content
        args = args[2:]
    parsed = {}
    for content in tables.values():
        t = parse_table(content, dictionaries)
        parsed[t["id"]] = t
    payload = sys.stdin.buffer.read()
    table_id = batch_table_id(payload, dictionaries)
    parsed[0] = EMPTY_TABLE
    if table_id not in parsed:
        raise SystemExit("the batch names table %08x, which was not given" % table_id)
    readings, messages = decode_batch(payload, parsed[table_id], dictionaries)
    for r in readings:
        print(json.dumps(r, sort_keys=True, allow_nan=True))
    for m in messages:
        print(json.dumps(dict(m, payload=m["payload"].decode("utf-8", "replace")), sort_keys=True))


if __name__ == "__main__":
    _main(sys.argv[1:])

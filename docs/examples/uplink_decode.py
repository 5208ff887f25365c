#!/usr/bin/env python3
"""Decodes Outpost uplink payloads: json-batch and cbor-batch, plain or compressed with zlib or zstd.

Needs only the standard library for json-batch with zlib; cbor-batch needs cbor2 (pip install cbor2, Debian
python3-cbor2), zstd needs zstandard (pip install zstandard, Debian python3-zstandard). See docs/uplink-formats.md.

As a library:   readings, messages = decode(payload, dictionaries={dict_id: dict_bytes})
As a command:   uplink_decode.py [--dict FILE ...] < payload      prints one JSON line per reading and message
"""
import json
import sys
import zlib

ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


def decompress(payload, dictionaries=None):
    """Undoes the compression the first bytes announce; returns the payload unchanged when it is not compressed."""
    if payload[:4] == ZSTD_MAGIC:
        import zstandard
        dict_id = zstandard.get_frame_parameters(payload).dict_id
        dict_data = None
        if dict_id:
            if not dictionaries or dict_id not in dictionaries:
                raise ValueError("payload compressed with zstd dictionary %d, which was not given" % dict_id)
            dict_data = zstandard.ZstdCompressionDict(dictionaries[dict_id])
        return zstandard.ZstdDecompressor(dict_data=dict_data).decompress(payload, max_output_size=64 << 20)
    if payload[:1] == b"\x78":
        return zlib.decompress(payload)
    return payload


def decode(payload, dictionaries=None):
    """Returns (readings, messages) of one batch.

    readings: dicts {device, point, ts (ms since 1970 UTC), value, quality, reason, history}
    messages: dicts {topic, ts, payload (bytes), history}: messages that were not point readings
    """
    data = decompress(payload, dictionaries)
    if data[:1] == b"{":
        batch = json.loads(data)
    else:
        import cbor2
        batch = cbor2.loads(data)
    if batch.get("v") != 1:
        raise ValueError("unknown batch version %r" % batch.get("v"))
    base = batch["t"]
    history = bool(batch.get("h", False))
    readings = []
    for device, points in batch["d"].items():
        for point, entries in points.items():
            for entry in entries:
                readings.append({
                    "device": device,
                    "point": point,
                    "ts": base + entry[0],
                    "value": entry[1],
                    "quality": entry[2] if len(entry) > 2 else "good",
                    "reason": entry[3] if len(entry) > 3 else "",
                    "history": history,
                })
    messages = []
    for m in batch.get("m", []):
        body = m["p"].encode("utf-8") if "p" in m else m["b"]
        if isinstance(body, str):  # json-batch carries binary payloads as base64
            import base64
            body = base64.b64decode(body)
        messages.append({"topic": m["t"], "ts": base + m["dt"], "payload": body, "history": history})
    return readings, messages


def _main(argv):
    dictionaries = {}
    args = list(argv)
    while args and args[0] == "--dict":
        content = open(args[1], "rb").read()
        dict_id = int.from_bytes(content[4:8], "little") if content[:4] == b"\x37\xa4\x30\xec" else 0
        dictionaries[dict_id] = content
        args = args[2:]
    readings, messages = decode(sys.stdin.buffer.read(), dictionaries)
    for r in readings:
        print(json.dumps(r, sort_keys=True))
    for m in messages:
        m = dict(m, payload=m["payload"].decode("utf-8", "replace"))
        print(json.dumps(m, sort_keys=True))


if __name__ == "__main__":
    _main(sys.argv[1:])

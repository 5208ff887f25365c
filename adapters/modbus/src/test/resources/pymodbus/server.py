"""A Modbus slave built on pymodbus (an implementation independent of ours) for Outpost's tests.

usage: server.py SPEC.json

SPEC: {"transport": "tcp", "port": 5020}  or  {"transport": "rtu", "device": "/dev/pts/..", "baud": 19200,
       "parity": "E"},
      "units": [1, 2],
      "values": [{"unit": 1, "index": 0, "type": "float32", "order": "CDAB", "value": 123.456}, ...],
      "registers": [{"unit": 1, "table": "hr", "index": 100, "values": [1, 2]}],
      "bits": [{"unit": 1, "table": "co", "index": 3, "values": [true]}]

Values are encoded with pymodbus's own BinaryPayloadBuilder. Every write a client makes is printed as
"SET <table> <unit> <index> <values>", and "READY" once the server is about to serve.
"""
import json
import logging
import sys

from pymodbus.constants import Endian
from pymodbus.datastore import ModbusSequentialDataBlock, ModbusServerContext, ModbusSlaveContext
from pymodbus.payload import BinaryPayloadBuilder
from pymodbus.server import StartSerialServer, StartTcpServer
from pymodbus.transaction import ModbusRtuFramer

SIZE = 1000

# Byte order names as letters of the big-endian value ABCD: which pymodbus byteorder/wordorder produce them.
ORDERS = {
    "AB": (Endian.Big, Endian.Big), "BA": (Endian.Little, Endian.Big),
    "ABCD": (Endian.Big, Endian.Big), "BADC": (Endian.Little, Endian.Big),
    "CDAB": (Endian.Big, Endian.Little), "DCBA": (Endian.Little, Endian.Little),
    "ABCDEFGH": (Endian.Big, Endian.Big), "BADCFEHG": (Endian.Little, Endian.Big),
    "GHEFCDAB": (Endian.Big, Endian.Little), "HGFEDCBA": (Endian.Little, Endian.Little),
}


class LoggingBlock(ModbusSequentialDataBlock):
    """A data block that reports client writes on stdout."""

    def __init__(self, name, unit, values):
        super().__init__(0, values)
        self.name = name
        self.unit = unit
        self.ready = False

    def setValues(self, address, values):
        super().setValues(address, values)
        if self.ready:
            vals = values if isinstance(values, list) else [values]
            print("SET %s %d %d %s" % (self.name, self.unit, address, ",".join(str(int(v)) for v in vals)), flush=True)


def encode(kind, order, value):
    byteorder, wordorder = ORDERS[order]
    b = BinaryPayloadBuilder(byteorder=byteorder, wordorder=wordorder)
    {"int16": b.add_16bit_int, "uint16": b.add_16bit_uint, "int32": b.add_32bit_int, "uint32": b.add_32bit_uint,
     "float32": b.add_32bit_float, "int64": b.add_64bit_int, "uint64": b.add_64bit_uint,
     "float64": b.add_64bit_float}[kind](value)
    return b.to_registers()


def main():
    spec = json.load(open(sys.argv[1]))
    blocks = {}
    slaves = {}
    for unit in spec.get("units", [1]):
        tables = {name: LoggingBlock(name, unit, [0] * SIZE) for name in ("co", "di", "hr", "ir")}
        blocks[unit] = tables
        slaves[unit] = ModbusSlaveContext(di=tables["di"], co=tables["co"], hr=tables["hr"], ir=tables["ir"],
                                          zero_mode=True)
    for v in spec.get("values", []):
        blocks[v["unit"]]["hr"].setValues(v["index"], encode(v["type"], v["order"], v["value"]))
    for r in spec.get("registers", []):
        blocks[r["unit"]][r["table"]].setValues(r["index"], r["values"])
    for r in spec.get("bits", []):
        blocks[r["unit"]][r["table"]].setValues(r["index"], r["values"])
    for tables in blocks.values():
        for block in tables.values():
            block.ready = True
    context = ModbusServerContext(slaves=slaves, single=False)
    logging.basicConfig(level=logging.WARNING)
    print("READY", flush=True)
    if spec["transport"] == "tcp":
        StartTcpServer(context=context, address=("127.0.0.1", spec["port"]))
    else:
        StartSerialServer(context=context, framer=ModbusRtuFramer, port=spec["device"], baudrate=spec.get("baud", 19200),
                          parity=spec.get("parity", "N"), stopbits=1, bytesize=8, timeout=0.05)


if __name__ == "__main__":
    main()

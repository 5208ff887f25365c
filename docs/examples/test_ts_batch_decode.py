#!/usr/bin/env python3
"""Tests of ts_batch_decode.py on the encoder's examples (ts-batch-examples.json): python3 -m unittest discover."""
import json
import os
import unittest

import ts_batch_decode as ts

HERE = os.path.dirname(os.path.abspath(__file__))


def comparable(value):
    """A decoded reading without the float values (their bits say it all, NaN payloads included)."""
    if isinstance(value, dict):
        return {k: comparable(v) for k, v in value.items() if not (k == "value" and "bits" in value)}
    if isinstance(value, list):
        return [comparable(v) for v in value]
    return value


class ExamplesTest(unittest.TestCase):

    def setUp(self):
        with open(os.path.join(HERE, "ts-batch-examples.json")) as f:
            self.examples = json.load(f)

    def test_every_example_decodes_to_the_encoders_readings_bit_for_bit(self):
        for ex in self.examples:
            table = ts.parse_table(bytes.fromhex(ex["table"]))
            readings, _ = ts.decode_batch(bytes.fromhex(ex["batch"]), table)
            self.assertEqual(comparable(readings), comparable(ex["readings"]), ex["name"])

    def test_a_receiver_holds_a_batch_until_its_table_arrives(self):
        ex = self.examples[0]
        table = bytes.fromhex(ex["table"])
        rx = ts.Receiver()
        self.assertEqual(rx.on_message("s/site/rtu-01", bytes.fromhex(ex["batch"])), [])
        got = rx.on_message("s/site/rtu-01/_table/" + ex["table"][4:12], table)
        self.assertEqual(len(got), len(ex["readings"]))
        self.assertEqual(rx.on_message("s/site/rtu-01/_table/00000000", b""), [])

    def test_a_truncated_batch_is_a_format_error(self):
        ex = self.examples[1]
        table = ts.parse_table(bytes.fromhex(ex["table"]))
        batch = bytes.fromhex(ex["batch"])
        for cut in range(7, len(batch) - 1, 3):
            with self.assertRaises(ts.FormatError):
                ts.decode_batch(batch[:cut], table)


if __name__ == "__main__":
    unittest.main()

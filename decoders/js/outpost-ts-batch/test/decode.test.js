'use strict';
// The decoder on the encoder's examples (docs/examples/ts-batch-examples.json, kept in step by TsBatchExamplesTest).
const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const path = require('path');
const { parseTable, decodeBatch, Receiver, FormatError } = require('..');

const examples = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', 'docs', 'examples', 'ts-batch-examples.json')));

/** A reading without float values (their bits say it all) and with integers as BigInt. */
function comparable(v) {
  if (Array.isArray(v)) return v.map(comparable);
  if (v && typeof v === 'object') {
    const out = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === 'value' && 'bits' in v) continue;
      out[k] = (k === 'value' && (v.kind === 'int' || v.kind === 'uint64')) ? BigInt(x) : comparable(x);
    }
    return out;
  }
  return v;
}

/** JSON.parse loses 64-bit integers: read them as text. */
function exactReadings(name) {
  const text = fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', 'docs', 'examples', 'ts-batch-examples.json'), 'utf8')
    .replace(/"value" : (-?\d+)/g, '"value" : "$1"');
  return JSON.parse(text).find((e) => e.name === name).readings;
}

for (const ex of examples) {
  test(`example ${ex.name} decodes to the encoder's readings bit for bit`, () => {
    const table = parseTable(Buffer.from(ex.table, 'hex'));
    const { readings } = decodeBatch(Buffer.from(ex.batch, 'hex'), table);
    assert.deepStrictEqual(comparable(readings), comparable(exactReadings(ex.name)));
  });
}

test('a receiver holds a batch until its table arrives', () => {
  const ex = examples[0];
  const rx = new Receiver();
  assert.deepStrictEqual(rx.onMessage('s/site/rtu-01', Buffer.from(ex.batch, 'hex')), []);
  const got = rx.onMessage(`s/site/rtu-01/_table/${ex.table.slice(4, 12)}`, Buffer.from(ex.table, 'hex'));
  assert.strictEqual(got.length, ex.readings.length);
  assert.deepStrictEqual(rx.onMessage('s/site/rtu-01/_table/00000000', Buffer.alloc(0)), []);
});

test('a truncated batch is a format error', () => {
  const ex = examples[1];
  const table = parseTable(Buffer.from(ex.table, 'hex'));
  const batch = Buffer.from(ex.batch, 'hex');
  for (let cut = 7; cut < batch.length - 1; cut += 3) {
    assert.throws(() => decodeBatch(batch.subarray(0, cut), table), (e) => e instanceof FormatError || e instanceof TypeError);
  }
});

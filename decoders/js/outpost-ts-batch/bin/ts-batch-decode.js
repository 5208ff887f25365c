#!/usr/bin/env node
'use strict';
// ts-batch-decode --table TABLE_FILE [--table ...] < batch payload: one JSON line per reading and per other message,
// the same lines as docs/examples/ts_batch_decode.py prints (64-bit integers as JSON numbers, floats with "bits").
const fs = require('fs');
const { parseTable, decodeBatch, batchTableId, EMPTY_TABLE } = require('..');

const tables = new Map([[0, EMPTY_TABLE]]);
const args = process.argv.slice(2);
while (args.length >= 2 && args[0] === '--table') {
  const t = parseTable(fs.readFileSync(args[1]));
  tables.set(t.id, t);
  args.splice(0, 2);
}
const payload = fs.readFileSync(0);
const id = batchTableId(payload);
if (!tables.has(id)) {
  console.error(`the batch names table ${id.toString(16).padStart(8, '0')}, which was not given`);
  process.exit(2);
}
const { readings, messages } = decodeBatch(payload, tables.get(id));
const json = (o) => JSON.stringify(o, (k, v) => {
  if (typeof v === 'bigint') return `@@${v}@@`;
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return v;
}).replace(/"@@(-?\d+)@@"/g, '$1');
for (const r of readings) process.stdout.write(json(r) + '\n');
for (const m of messages) process.stdout.write(json({ ...m, payload: Buffer.from(m.payload).toString('utf8') }) + '\n');

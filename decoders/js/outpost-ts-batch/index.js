'use strict';
/**
 * Decoder of Outpost ts-batch payloads and their point tables; the format is specified in the Outpost repository's
 * docs/uplink-formats.md ("ts-batch"). No dependency but fzstd (pure JavaScript zstd) for compressed payloads; runs in
 * Node.js, Node-RED and browsers.
 *
 *   const { Receiver } = require('outpost-ts-batch');
 *   const rx = new Receiver();
 *   client.subscribe('sites/#');                       // the batch topics and their <topic>/_table/<id>
 *   client.on('message', (topic, payload) => { for (const r of rx.onMessage(topic, payload)) store(r); });
 *
 * 64-bit integers are BigInt; float readings carry `bits` (hex of their IEEE 754 bits: NaN payloads survive there).
 */
const fzstd = require('fzstd');

const BATCH_MARKER = 0xe1;
const TABLE_MARKER = 0xe2;
const TABLE_LEVEL = '/_table/';
const XOR = 0xff;
const POW10 = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
const KINDS = ['null', 'bool', 'int', 'uint64', 'float64', 'float32', 'text', 'array'];
const STATUS = ['good', 'uncertain', 'bad'];
const U_WIDTHS = [0, 4, 8, 16];
const U_BASES = [0n, 1n, 17n, 273n];
const RICE_ESCAPE = 16;
const EMPTY_TABLE = Object.freeze({ id: 0, entries: [] }); // batches without readings name table 0, never published
const utf8 = new TextDecoder('utf-8', { fatal: true });

class FormatError extends Error {}

const unzigzag = (u) => (u >> 1n) ^ -(u & 1n);
const signed64 = (u) => BigInt.asIntN(64, u);
const unsigned64 = (u) => BigInt.asUintN(64, u);

/**
 * Undoes zstd or zlib compression (told by the first bytes). A zstd frame made with a dictionary needs
 * `options.zstd(payload, dictionaryId)`, a function of yours that decompresses with it (e.g. with zstd-napi).
 */
function decompress(payload, options = {}) {
  const p = payload instanceof Uint8Array ? payload : new Uint8Array(payload);
  if (p.length >= 4 && p[0] === 0x28 && p[1] === 0xb5 && p[2] === 0x2f && p[3] === 0xfd) {
    const dictId = zstdDictionaryId(p);
    if (dictId !== 0) {
      if (!options.zstd) {
        throw new FormatError(`payload compressed with zstd dictionary ${dictId}: pass options.zstd`);
      }
      return options.zstd(p, dictId);
    }
    return fzstd.decompress(p);
  }
  if (p.length >= 2 && p[0] === 0x78) {
    if (typeof require === 'function') {
      return new Uint8Array(require('zlib').inflateSync(p));
    }
    throw new FormatError('zlib payloads need Node.js');
  }
  return p;
}

/** The dictionary id a zstd frame header names (RFC 8878, 3.1.1.1), 0 for none. */
function zstdDictionaryId(p) {
  const fhd = p[4];
  const size = [0, 1, 2, 4][fhd & 3];
  const singleSegment = (fhd >> 5) & 1;
  let pos = 5 + (singleSegment ? 0 : 1);
  let id = 0;
  for (let i = 0; i < size; i++) {
    id |= p[pos + i] << (8 * i);
  }
  return id >>> 0;
}

class Bytes {
  constructor(data, pos) {
    this.data = data;
    this.pos = pos;
  }

  u8() {
    if (this.pos >= this.data.length) throw new FormatError(`the payload ends early at byte ${this.pos}`);
    return this.data[this.pos++];
  }

  varint() {
    let v = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const b = this.u8();
      v |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return unsigned64(v);
    }
    throw new FormatError('a varint longer than 10 bytes');
  }

  take(n) {
    if (n > BigInt(this.data.length - this.pos)) throw new FormatError(`a length of ${n} bytes runs past the end`);
    const start = this.pos;
    this.pos += Number(n);
    return this.data.subarray(start, this.pos);
  }

  text() {
    return utf8.decode(this.take(this.varint()));
  }
}

/** Bits most significant first. */
class Bits {
  constructor(data, bytePos) {
    this.data = data;
    this.pos = bytePos * 8;
    this.end = data.length * 8;
  }

  remaining() {
    return this.end - this.pos;
  }

  /** Up to 32 bits as a Number. */
  small(n) {
    if (this.remaining() < n) throw new FormatError('the bit stream ends early');
    let v = 0;
    while (n > 0) {
      const byte = this.data[this.pos >> 3];
      const avail = 8 - (this.pos & 7);
      const take = Math.min(avail, n);
      v = v * (1 << take) + ((byte >> (avail - take)) & ((1 << take) - 1));
      this.pos += take;
      n -= take;
    }
    return v;
  }

  /** Up to 64 bits as a BigInt. */
  big(n) {
    if (n > 32) {
      const high = BigInt(this.small(n - 32));
      return (high << 32n) | BigInt(this.small(32));
    }
    return BigInt(this.small(n));
  }

  bit() {
    return this.small(1) === 1;
  }

  u() {
    let ones = 0;
    while (ones < 4 && this.bit()) ones++;
    if (ones < 4) return U_BASES[ones] + this.big(U_WIDTHS[ones]);
    return this.big(this.small(6) + 1);
  }

  s() {
    return unzigzag(this.u());
  }

  rice(k) {
    let q = 0;
    while (q < RICE_ESCAPE && this.bit()) q++;
    if (q === RICE_ESCAPE) return this.u();
    return (BigInt(q) << BigInt(k)) | this.big(k);
  }

  text() {
    const n = this.u();
    if (n > BigInt(Math.floor(this.remaining() / 8))) throw new FormatError(`a text of ${n} bytes runs past the end`);
    const b = new Uint8Array(Number(n));
    for (let i = 0; i < b.length; i++) b[i] = this.small(8);
    return utf8.decode(b);
  }

  alignedByte() {
    return (this.pos + 7) >> 3;
  }
}

const scratch = new DataView(new ArrayBuffer(8));

function floatOf(bits, single) {
  if (single) {
    scratch.setUint32(0, Number(bits));
    return scratch.getFloat32(0);
  }
  scratch.setBigUint64(0, bits);
  return scratch.getFloat64(0);
}

function bitsOf(value, single) {
  if (single) {
    scratch.setFloat32(0, value);
    return BigInt(scratch.getUint32(0));
  }
  scratch.setFloat64(0, value);
  return scratch.getBigUint64(0);
}

function real(bits, single) {
  return { kind: single ? 'float32' : 'float64', value: floatOf(bits, single), bits: bits.toString(16).padStart(single ? 8 : 16, '0') };
}

function raw(r, depth = 0) {
  const kind = r.small(3);
  switch (kind) {
    case 0: return { kind: 'null', value: null };
    case 1: return { kind: 'bool', value: r.bit() };
    case 2: return { kind: 'int', value: r.s() };
    case 3: return { kind: 'uint64', value: r.u() };
    case 4: return real(r.big(64), false);
    case 5: return real(r.big(32), true);
    case 6: return { kind: 'text', value: r.text() };
    default: {
      if (depth >= 16) throw new FormatError('arrays nest deeper than 16');
      const n = r.u();
      if (n > BigInt(r.remaining())) throw new FormatError('an array runs past the end');
      const items = [];
      for (let i = 0n; i < n; i++) items.push(raw(r, depth + 1));
      return { kind: 'array', value: items };
    }
  }
}

/** A point table from its retained payload: {id, entries: [{device, point, kind, scheme, rice, ref}]}. */
function parseTable(payload, options) {
  const data = decompress(payload, options);
  if (data.length < 6 || data[0] !== TABLE_MARKER || data[1] !== 0) throw new FormatError('not a ts-batch point table');
  const id = ((data[2] << 24) | (data[3] << 16) | (data[4] << 8) | data[5]) >>> 0;
  const b = new Bytes(data, 6);
  const n = b.varint();
  if (n > BigInt(data.length)) throw new FormatError('more entries than bytes');
  const entries = [];
  for (let i = 0n; i < n; i++) {
    const e = { device: b.text(), point: b.text(), kind: b.u8(), scheme: 0, rice: 0, ref: null };
    switch (e.kind) {
      case 0: case 7: break;
      case 1: e.ref = b.u8() !== 0; break;
      case 2: e.rice = b.u8(); e.ref = unzigzag(b.varint()); break;
      case 3: e.rice = b.u8(); e.ref = b.varint(); break;
      case 6: e.ref = b.text(); break;
      case 4: case 5: {
        e.scheme = b.u8();
        if (e.scheme === XOR) {
          let bits = 0n;
          for (const x of b.take(e.kind === 4 ? 8n : 4n)) bits = (bits << 8n) | BigInt(x);
          e.ref = bits;
        } else if (e.scheme <= 15) {
          e.rice = b.u8();
          e.ref = unzigzag(b.varint());
        } else {
          throw new FormatError(`float scheme ${e.scheme}`);
        }
        break;
      }
      default: throw new FormatError(`unknown kind ${e.kind}`);
    }
    if (e.rice > 62) throw new FormatError(`Rice parameter ${e.rice}`);
    entries.push(e);
  }
  if (b.pos !== data.length) throw new FormatError("bytes after the table's last entry");
  return { id, entries };
}

function batchTableId(payload, options) {
  const data = decompress(payload, options);
  if (data.length < 7 || data[0] !== BATCH_MARKER) throw new FormatError('not a ts-batch payload');
  return ((data[2] << 24) | (data[3] << 16) | (data[4] << 8) | data[5]) >>> 0;
}

/** {readings, messages} of one batch, decoded with its table (see parseTable). */
function decodeBatch(payload, table, options) {
  const data = decompress(payload, options);
  if (data.length < 7 || data[0] !== BATCH_MARKER || (data[1] & ~3)) throw new FormatError('not a ts-batch payload');
  const id = ((data[2] << 24) | (data[3] << 16) | (data[4] << 8) | data[5]) >>> 0;
  if (id !== table.id) throw new FormatError(`the batch names table ${id.toString(16)}, not ${table.id.toString(16)}`);
  const history = (data[1] & 1) !== 0;
  const b = new Bytes(data, 6);
  const base = unzigzag(b.varint());
  const r = new Bits(data, b.pos);
  const entries = table.entries;
  const counts = new Array(entries.length).fill(0);
  const count = () => {
    if (r.bit()) return 1;
    const c = r.u();
    if (c >= BigInt(r.remaining())) throw new FormatError('more readings than bits');
    return c === 0n ? 0 : Number(c) + 1;
  };
  if (!r.bit()) {
    for (let i = 0; i < entries.length; i++) counts[i] = count();
  } else {
    const present = r.u();
    let index = -1n;
    for (let k = 0n; k < present; k++) {
      index += 1n + r.u();
      if (index >= BigInt(entries.length)) throw new FormatError(`entry ${index} is not in the table`);
      counts[Number(index)] += count();
    }
  }
  const n = counts.reduce((a, c) => a + c, 0);
  if (n > r.remaining()) throw new FormatError('more readings than bits');
  const times = [];
  let prevFirst = base;
  let interval = 0n;
  for (const c of counts) {
    if (c === 0) continue;
    let t = prevFirst + r.s();
    prevFirst = t;
    times.push(t);
    for (let k = 1; k < c; k++) {
      interval += r.s();
      t += interval;
      times.push(t);
    }
  }
  const plain = [];
  let state = true;
  while (plain.length < n) {
    const run = r.u();
    if (run > BigInt(n - plain.length)) throw new FormatError('a run past the last reading');
    for (let k = 0n; k < run; k++) plain.push(state);
    state = !state;
  }
  const readings = [];
  let i = 0;
  entries.forEach((e, index) => {
    const c = counts[index];
    const single = e.kind === 5;
    let prev = e.ref;
    for (let k = 0; k < c; k++, i++) {
      const reading = { device: e.device, point: e.point, ts: Number(times[i]), quality: 'good', reason: '', history };
      if (!plain[i]) {
        const status = r.small(2);
        if (status > 2) throw new FormatError('quality 3');
        reading.quality = STATUS[status];
        reading.reason = r.text();
        Object.assign(reading, raw(r));
      } else if (e.kind === 1) {
        Object.assign(reading, { kind: 'bool', value: r.bit() });
      } else if (e.kind === 2 || e.kind === 3) {
        prev = unsigned64(prev + unzigzag(r.rice(e.rice)));
        Object.assign(reading, { kind: KINDS[e.kind], value: e.kind === 2 ? signed64(prev) : prev });
      } else if (e.kind === 6) {
        if (r.bit()) prev = r.text();
        Object.assign(reading, { kind: 'text', value: prev });
      } else if ((e.kind === 4 || e.kind === 5) && e.scheme === XOR) {
        if (r.bit()) {
          const width = single ? 32 : 64;
          const field = single ? 5 : 6;
          const lz = r.small(field);
          const len = r.small(field) + 1;
          if (lz + len > width) throw new FormatError('XOR wider than the value');
          prev ^= r.big(len) << BigInt(width - lz - len);
        }
        Object.assign(reading, real(prev, single));
      } else if (e.kind === 4 || e.kind === 5) {
        const code = r.rice(e.rice);
        if (code === 1n) {
          Object.assign(reading, real(r.big(single ? 32 : 64), single));
        } else {
          if (code !== 0n) prev = signed64(prev + unzigzag(code - 1n));
          // One IEEE division of two exact doubles, then (float32) one rounding: as the encoder checked.
          const value = Number(prev) / POW10[e.scheme];
          Object.assign(reading, real(bitsOf(single ? Math.fround(value) : value, single), single));
        }
      } else if (e.kind === 7) {
        Object.assign(reading, raw(r));
      } else {
        throw new FormatError('a plain reading of a null point');
      }
      readings.push(reading);
    }
  });
  const messages = [];
  if (data[1] & 2) {
    const m = new Bytes(data, r.alignedByte());
    const count = m.varint();
    for (let k = 0n; k < count; k++) {
      const topic = utf8.decode(m.take(m.varint()));
      const ts = Number(base + unzigzag(m.varint()));
      messages.push({ topic, ts, payload: m.take(m.varint()), history });
    }
  }
  return { readings, messages };
}

/**
 * A consumer of ts-batch topics: keeps the tables it sees (retained on <batch topic>/_table/<id>), decodes batches,
 * and holds a batch whose table has not arrived yet until it does.
 */
class Receiver {
  constructor(options = {}) {
    this.options = options;
    this.tables = new Map();
    this.waiting = new Map();
  }

  /** The readings this message makes decodable (none for a table that nothing waited for). */
  onMessage(topic, payload) {
    const at = topic.lastIndexOf(TABLE_LEVEL);
    if (at >= 0) {
      if (payload.length === 0) return []; // a table no longer used, cleared
      const table = parseTable(payload, this.options);
      if (table.id.toString(16).padStart(8, '0') !== topic.slice(at + TABLE_LEVEL.length)) {
        throw new FormatError(`table ${table.id.toString(16)} published on ${topic}`);
      }
      const key = `${topic.slice(0, at)}\u0000${table.id}`;
      this.tables.set(key, table);
      const waiting = this.waiting.get(key) || [];
      this.waiting.delete(key);
      return waiting.flatMap((p) => decodeBatch(p, table, this.options).readings);
    }
    const id = batchTableId(payload, this.options);
    if (id === 0) return decodeBatch(payload, EMPTY_TABLE, this.options).readings;
    const key = `${topic}\u0000${id}`;
    const table = this.tables.get(key);
    if (!table) {
      if (!this.waiting.has(key)) this.waiting.set(key, []);
      this.waiting.get(key).push(payload);
      return [];
    }
    return decodeBatch(payload, table, this.options).readings;
  }
}

module.exports = { EMPTY_TABLE, Receiver, parseTable, decodeBatch, batchTableId, decompress, FormatError, TABLE_LEVEL };

// zarrita side of tessera's Zarr v3 interop tests.
//
//   node zarrita.mjs check DIR CASES.json   read arrays tessera wrote (sharded too); print JSON
//   node zarrita.mjs write DIR CASES.json   write the (unsharded) cases with zarrita
//
// Values follow the formula of interop.py: for flat index i,
// b = (7*i + 3) % 101, value b%2 (bool), b (unsigned), b-50 (signed), b/4-10 (float).
import * as zarr from "zarrita";
import FileSystemStore from "@zarrita/storage/fs";
import { readFileSync } from "node:fs";

const ctors = {
  bool: zarr.BoolArray, int8: Int8Array, int16: Int16Array, int32: Int32Array, int64: BigInt64Array,
  uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array, uint64: BigUint64Array,
  float32: Float32Array, float64: Float64Array,
};

function value(dtype, i) {
  const b = (7 * i + 3) % 101;
  if (dtype === "bool") return b % 2 === 1;
  if (dtype.startsWith("uint")) return b;
  if (dtype.startsWith("int")) return b - 50;
  return b / 4 - 10;
}

function expected(dtype, shape) {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new ctors[dtype](n);
  for (let i = 0; i < n; i++) {
    const v = value(dtype, i);
    if (dtype === "bool") data.set(i, v);
    else data[i] = dtype.endsWith("int64") ? BigInt(v) : v;
  }
  return data;
}

function cOrderStrides(shape) {
  const s = new Array(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) { s[i] = acc; acc *= shape[i]; }
  return s;
}

async function check(dir, cases) {
  const store = new FileSystemStore(dir);
  const out = {};
  for (const c of cases) {
    try {
      const arr = await zarr.open.v3(zarr.root(store).resolve(c.name), { kind: "array" });
      const got = await zarr.get(arr, null);
      const want = expected(c.dtype, c.shape);
      const strides = cOrderStrides(c.shape);
      let bad = -1;
      // walk in C order through the returned strides
      const n = want.length;
      for (let i = 0; i < n && bad < 0; i++) {
        let rem = i, off = 0;
        for (let a = 0; a < c.shape.length; a++) {
          const idx = Math.floor(rem / strides[a]);
          rem -= idx * strides[a];
          off += idx * got.stride[a];
        }
        const g = c.dtype === "bool" ? got.data.get(off) : got.data[off];
        const w = c.dtype === "bool" ? want.get(i) : want[i];
        if (g !== w) bad = i;
      }
      out[c.name] = bad < 0 && arr.dtype === c.dtype ? "ok" : `mismatch at ${bad} (dtype ${arr.dtype})`;
    } catch (e) {
      out[c.name] = "error: " + e;
    }
  }
  console.log(JSON.stringify(out));
}

async function write(dir, cases) {
  const store = new FileSystemStore(dir);
  for (const c of cases) {
    const arr = await zarr.create(zarr.root(store).resolve(c.name), {
      shape: c.shape, chunkShape: c.chunks, dtype: c.dtype, codecs: c.codecs, chunkSeparator: c.sep,
      fillValue: c.dtype === "bool" ? false : 0,
    });
    await zarr.set(arr, null, { data: expected(c.dtype, c.shape), shape: c.shape, stride: cOrderStrides(c.shape) });
  }
}

const [cmd, dir, casesPath] = process.argv.slice(2);
const cases = JSON.parse(readFileSync(casesPath, "utf8"));
if (cmd === "check") await check(dir, cases);
else if (cmd === "write") await write(dir, cases);
else { console.error("unknown command " + cmd); process.exit(2); }

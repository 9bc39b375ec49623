#!/usr/bin/python3
"""Interop fixtures for tessera's codec package, made by the real numcodecs.

    /usr/bin/python3 numcodecs_interop.py make > numcodecs_fixtures.json
    /usr/bin/python3 numcodecs_interop.py make --full     (bigger live matrix)
    /usr/bin/python3 numcodecs_interop.py decode < cases.json

`make` prints a JSON object: "arrays" (name -> dtype, shape, base64 data) and
"cases" (config, array name, numcodecs' encoding and numcodecs' decoding of
that encoding, when it differs from the array). `decode` reads a JSON list of {"config", "dtype", "shape",
"encoded"} (encodings made by Go) and prints, for each, numcodecs' decoding
or the error it raised.

Made with Debian's python3-numcodecs 0.11.0 (c-blosc 1.21.3), numpy 1.24.
"""
import base64
import json
import sys

import numpy as np
import numcodecs
from numcodecs import blosc

blosc.set_nthreads(1)
blosc.use_threads = False


def b64(b):
    return base64.b64encode(bytes(b)).decode()


def arrays(full):
    rng = np.random.RandomState(42)
    ny, nx = (96, 128) if full else (16, 32)
    y, x = np.mgrid[0:ny, 0:nx]
    field = (np.sin(x / 7.0) * np.cos(y / 11.0) * 100 + rng.normal(0, 0.5, (ny, nx))).astype("<f4")
    refl = np.clip(field * 30 + 3000 + rng.normal(0, 20, (ny, nx)), 0, 10000).astype("<i2")
    n8 = 4000 if full else 400
    f8 = (np.cumsum(rng.normal(0, 1, n8)) + 1000).astype("<f8")
    u1 = (np.arange(9001 if full else 2001) * 7 % 251 // 3).astype("|u1")
    f4odd = field.ravel()[:1003 if full else 501].astype("<f4")
    return {
        "field_f4": field,
        "refl_i2": refl,
        "refl_f4": (refl / 10000).astype("<f4"),
        "walk_f8": f8,
        "u1": u1,
        "f4odd": f4odd,
    }


def cases(full):
    out = []
    add = lambda arr, **cfg: out.append((arr, cfg))
    for lvl in ([1, 3, 5, 9, 19] if full else [1, 5, 19]):
        add("field_f4", id="zstd", level=lvl)
    for cid in ["gzip", "zlib", "bz2"]:
        for lvl in ([1, 5, 9] if full else [1, 9]):
            add("field_f4", id=cid, level=lvl)
    for acc in [1, 8]:
        add("field_f4", id="lz4", acceleration=acc)
    add("refl_i2", id="zstd", level=3)
    add("refl_i2", id="lz4", acceleration=1)
    cnames = ["blosclz", "lz4", "lz4hc", "zlib", "zstd", "snappy"]
    if full:
        for arr in ["field_f4", "refl_i2", "walk_f8", "u1", "f4odd"]:
            for c in cnames:
                for sh in [0, 1, 2]:
                    for lvl in [1, 5, 9]:
                        add(arr, id="blosc", cname=c, clevel=lvl, shuffle=sh, blocksize=0)
                    add(arr, id="blosc", cname=c, clevel=5, shuffle=sh, blocksize=256)
        for arr in ["field_f4", "u1"]:
            add(arr, id="blosc", cname="lz4", clevel=0, shuffle=1, blocksize=0)
            add(arr, id="blosc", cname="blosclz", clevel=5, shuffle=-1, blocksize=0)
    else:
        for c in cnames:
            for sh in [0, 1, 2]:
                add("field_f4", id="blosc", cname=c, clevel=5, shuffle=sh, blocksize=0)
        for c in ["blosclz", "lz4", "zstd"]:
            for lvl in [1, 9]:
                add("field_f4", id="blosc", cname=c, clevel=lvl, shuffle=1, blocksize=0)
        for arr in ["refl_i2", "walk_f8", "u1", "f4odd"]:
            for c in ["blosclz", "lz4"]:
                for sh in [1, 2]:
                    add(arr, id="blosc", cname=c, clevel=5, shuffle=sh, blocksize=0)
        for c in ["blosclz", "lz4", "zstd", "zlib"]:
            add("field_f4", id="blosc", cname=c, clevel=5, shuffle=1, blocksize=256)
            add("f4odd", id="blosc", cname=c, clevel=5, shuffle=2, blocksize=1000)
        add("field_f4", id="blosc", cname="lz4", clevel=0, shuffle=1, blocksize=0)
    # filters
    add("refl_f4", id="fixedscaleoffset", offset=0, scale=10000, dtype="<f4", astype="<i2")
    add("walk_f8", id="fixedscaleoffset", offset=1000, scale=10, dtype="<f8", astype="<i2")
    add("field_f4", id="fixedscaleoffset", offset=-110, scale=1, dtype="<f4", astype="|u1")
    add("walk_f8", id="astype", encode_dtype="<f4", decode_dtype="<f8")
    add("field_f4", id="astype", encode_dtype="<i2", decode_dtype="<f4")
    add("refl_i2", id="delta", dtype="<i2", astype="<i2")
    add("field_f4", id="delta", dtype="<f4", astype="<f4")
    add("u1", id="delta", dtype="|u1", astype="|u1")
    add("refl_i2", id="delta", dtype="<i2", astype="|i1")
    add("field_f4", id="quantize", digits=2, dtype="<f4", astype="<f4")
    add("walk_f8", id="quantize", digits=3, dtype="<f8", astype="<f4")
    add("walk_f8", id="quantize", digits=1, dtype="<f8", astype="<f8")
    add("field_f4", id="bitround", keepbits=7)
    add("walk_f8", id="bitround", keepbits=20)
    add("field_f4", id="bitround", keepbits=23)
    add("field_f4", id="shuffle", elementsize=4)
    add("walk_f8", id="shuffle", elementsize=8)
    add("refl_i2", id="shuffle", elementsize=4)
    add("refl_i2", id="shuffle", elementsize=2)
    return out


def encoded_bytes(v):
    if isinstance(v, np.ndarray):
        return np.ascontiguousarray(v).tobytes()
    return bytes(v)


def make(full):
    arrs = arrays(full)
    res = {"numcodecs": numcodecs.__version__, "blosc": blosc.VERSION_STRING,
           "arrays": {k: {"dtype": a.dtype.str, "shape": list(a.shape), "data": b64(a.tobytes())}
                      for k, a in arrs.items()},
           "cases": []}
    for arr, cfg in cases(full):
        codec = numcodecs.get_codec(dict(cfg))
        a = arrs[arr]
        enc = encoded_bytes(codec.encode(a.copy()))  # bitround encodes in place
        dec = codec.decode(enc)
        case = {"array": arr, "config": cfg, "encoded": b64(enc)}
        if encoded_bytes(dec) != a.tobytes():  # lossy filters: keep numcodecs' result
            case["decoded"] = b64(encoded_bytes(dec))
        res["cases"].append(case)
    json.dump(res, sys.stdout, indent=0, sort_keys=True)


def decode():
    out = []
    for c in json.load(sys.stdin):
        try:
            codec = numcodecs.get_codec(dict(c["config"]))
            enc = base64.b64decode(c["encoded"])
            cfg = c["config"]
            if cfg["id"] in ("fixedscaleoffset", "astype", "delta", "quantize", "bitround"):
                enc = np.frombuffer(enc, dtype=c["encoded_dtype"])
            dec = codec.decode(enc)
            out.append({"decoded": b64(encoded_bytes(dec))})
        except Exception as e:  # report, the Go test fails on it
            out.append({"error": repr(e)})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make("--full" in sys.argv)
    elif sys.argv[1] == "decode":
        decode()

#!/usr/bin/python3
"""Times numcodecs (C libraries) on the data and configurations that
tessera's benchmarks/codecs program hands over, one core, Blosc single-threaded.

    /usr/bin/python3 numcodecs_bench.py DIR MINSECONDS

DIR holds configs.json ([{"name", "data", "config"}]) and the raw data files
(little-endian, the dtype named in the data file's .json). Prints a JSON list
of {"name", "enc_mbs", "dec_mbs", "size"}.
"""
import json
import os
import sys
import time

import numpy as np
import numcodecs
from numcodecs import blosc

blosc.set_nthreads(1)
blosc.use_threads = False


def rate(fn, nbytes, minsec):
    fn()  # warm up
    best = None
    for _ in range(3):
        n, t0 = 0, time.perf_counter()
        while True:
            fn()
            n += 1
            el = time.perf_counter() - t0
            if el >= minsec / 3:
                break
        r = nbytes * n / el / 1e6
        best = r if best is None else max(best, r)
    return best


def main():
    d, minsec = sys.argv[1], float(sys.argv[2])
    cases = json.load(open(os.path.join(d, "configs.json")))
    arrays = {}
    out = []
    for c in cases:
        if c["data"] not in arrays:
            meta = json.load(open(os.path.join(d, c["data"] + ".json")))
            raw = open(os.path.join(d, c["data"] + ".raw"), "rb").read()
            arrays[c["data"]] = np.frombuffer(raw, dtype=meta["dtype"]).reshape(meta["shape"]).copy()
        a = arrays[c["data"]]
        codec = numcodecs.get_codec(dict(c["config"]))
        enc = codec.encode(a)
        buf = np.empty_like(a)
        try:
            codec.decode(enc, out=buf)
            dec = lambda: codec.decode(enc, out=buf)
        except Exception:
            dec = lambda: codec.decode(enc)
        assert np.array_equal(np.frombuffer(codec.decode(enc), dtype=a.dtype), a.ravel())
        out.append({"name": c["name"], "size": len(enc),
                    "enc_mbs": rate(lambda: codec.encode(a), a.nbytes, minsec),
                    "dec_mbs": rate(dec, a.nbytes, minsec)})
    json.dump(out, sys.stdout)


main()

#!/usr/bin/python3
"""The dask side of benchmarks/counts (go run ./benchmarks/counts).

    /usr/bin/python3 dask_bench.py WORKLOAD N CHUNK BINS CORES

WORKLOAD is histogram or cumsum over x[i] = frac(i * 0.6180339887498949)
for i < N in chunks of CHUNK, the same values the Go side generates.
histogram: da.histogram(x, bins=BINS, range=(0, 1)) computed; cumsum:
da.cumsum(x, axis=0) computed into memory. The threaded scheduler runs with CORES
workers. Prints one JSON line: seconds, maxrss_mb, and the answer
(counts, or the cumsum at N/2 and at the end). Timing starts after the
imports.
"""
import json
import sys
import time

import dask
import dask.array as da
import numpy as np


def vm_hwm_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main():
    workload, n, c, bins, cores = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    dask.config.set(scheduler="threads", num_workers=cores)
    t0 = time.perf_counter()
    x = da.arange(n, chunks=c, dtype=np.float64) * 0.6180339887498949
    x = x - da.floor(x)
    m = {}
    if workload == "histogram":
        h, _ = da.histogram(x, bins=bins, range=(0, 1))
        m["counts"] = h.compute().tolist()
    elif workload == "cumsum":
        r = da.cumsum(x, axis=0).compute()  # axis=None would flatten and rechunk to chunks of npartitions elements (dask 2022.12), a pathological graph
        m["mid"], m["last"] = float(r[n // 2]), float(r[-1])
    else:
        raise SystemExit("unknown workload " + workload)
    m["seconds"] = time.perf_counter() - t0
    m["maxrss_mb"] = vm_hwm_mb()
    print(json.dumps(m))


if __name__ == "__main__":
    main()

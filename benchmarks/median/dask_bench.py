#!/usr/bin/python3
"""The dask side of benchmarks/median (go run ./benchmarks/median).

    /usr/bin/python3 dask_bench.py DATA OUT T NY NX CT CY CX CORES

DATA is the raw little-endian float32 (T, NY, NX) stack the Go side
wrote; it is read as da.from_array(np.memmap(DATA), chunks=(CT, CY, CX)),
the stored chunking, then x.rechunk({0: -1}) (dask's median needs the
reduced axis whole) and da.median(x, axis=0), with the threaded scheduler
on CORES workers. The (NY, NX) float32 result is written to OUT. Prints one
JSON line: seconds and maxrss_mb (this process's VmHWM).
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
    data, out = sys.argv[1], sys.argv[2]
    t, ny, nx, ct, cy, cx, cores = (int(v) for v in sys.argv[3:10])
    dask.config.set(scheduler="threads", num_workers=cores)
    t0 = time.perf_counter()
    mm = np.memmap(data, dtype="<f4", mode="r", shape=(t, ny, nx))
    x = da.from_array(mm, chunks=(ct, cy, cx))
    m = da.median(x.rechunk({0: -1}), axis=0).compute()
    secs = time.perf_counter() - t0
    m.astype("<f4").tofile(out)
    print(json.dumps(dict(seconds=secs, maxrss_mb=vm_hwm_mb())))


main()

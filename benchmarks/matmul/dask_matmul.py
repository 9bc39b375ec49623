#!/usr/bin/python3
"""The dask side of benchmarks/matmul (go run ./benchmarks/matmul).

    /usr/bin/python3 dask_matmul.py N CHUNK CORES

Builds the same two N×N float64 operands as the Go side from a formula of
the indices (chunked CHUNK×CHUNK, made inside the tasks), computes
c = a @ b with dask's threaded scheduler on CORES workers, reduced to the
checksums sum(c) and sum(c*c) in the same graph so the product's blocks
are released as they are consumed, and prints one JSON line: seconds,
maxrss_mb, sum, sumsq. Timing starts after the imports.
"""
import json
import sys
import time

import dask
import dask.array as da


def vm_hwm_mb():
    """This process's own peak RSS (VmHWM), as the Go side reads its own."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def operands(n, c):
    i = da.arange(n, chunks=c, dtype="f8")[:, None]
    j = da.arange(n, chunks=c, dtype="f8")[None, :]
    x = i * 7 + j * 13
    y = i * 11 + j * 3
    a = (x - da.floor(x / 101) * 101) / 101 - 0.5
    b = (y - da.floor(y / 97) * 97) / 97 - 0.5
    return a, b


def main():
    n, c, cores = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    dask.config.set(scheduler="threads", num_workers=cores)
    t0 = time.perf_counter()
    a, b = operands(n, c)
    p = a @ b
    s, s2 = dask.compute(p.sum(), (p * p).sum())
    secs = time.perf_counter() - t0
    print(json.dumps({"seconds": secs, "maxrss_mb": vm_hwm_mb(), "sum": float(s), "sumsq": float(s2)}))


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""The xarray + dask side of benchmarks/groupby (go run ./benchmarks/groupby).

    /usr/bin/python3 xarray_groupby.py STORE OUT CORES

Computes xr.open_zarr(STORE).t2m.groupby("time.month").mean() with dask's
threaded scheduler and CORES workers, writes the result to OUT as
little-endian float64, and prints one JSON line: seconds, maxrss_mb, shape,
tasks. Timing starts after the imports, as the Go side's does.
"""
import json
import sys
import time

import dask
import numpy as np
import xarray as xr


def vm_hwm_mb():
    """This process's own peak RSS (VmHWM), as benchmarks/labelled reads it."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main():
    store, out, cores = sys.argv[1], sys.argv[2], int(sys.argv[3])
    dask.config.set(scheduler="threads", num_workers=cores)
    t0 = time.perf_counter()
    clim = xr.open_zarr(store)["t2m"].groupby("time.month").mean()
    tasks = len(clim.data.__dask_graph__())
    r = clim.compute()
    m = {"seconds": time.perf_counter() - t0, "shape": list(r.shape), "tasks": tasks}
    np.asarray(r.values, dtype="<f8").tofile(out)
    m["maxrss_mb"] = vm_hwm_mb()
    print(json.dumps(m))


if __name__ == "__main__":
    main()

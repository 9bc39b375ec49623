#!/usr/bin/python3
"""The xarray + dask side of benchmarks/rolling (go run ./benchmarks/rolling).

    /usr/bin/python3 xarray_rolling.py STORE CONFIG_JSON CORES

Opens the uncompressed Zarr v2 array STORE/data that the Go side wrote
(dask.array.from_zarr, chunked as stored), wraps it as a (time, y, x)
DataArray, and computes da.rolling(time=W, center=True).mean() reduced to
its NaN-skipping mean, plus the rolling series of one pixel, in one
dask.compute with the threaded scheduler on CORES workers. Prints one JSON
line: seconds, maxrss_mb, mean, series (NaN as null). Timing starts after
the imports, as the Go side's starts in its child's main.
"""
import json
import math
import sys
import time

import dask
import dask.array as da
import xarray as xr


def vm_hwm_mb():
    """This process's own peak RSS (VmHWM), not getrusage's, which Linux
    carries over from the Go parent this process was exec'd from."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main():
    store, cfg, cores = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3])
    dask.config.set(scheduler="threads", num_workers=cores)
    t0 = time.perf_counter()
    arr = xr.DataArray(da.from_zarr(store, component="data"), dims=("time", "y", "x"))
    rolled = arr.rolling(time=cfg["window"], center=True).mean()
    mean, series = dask.compute(rolled.mean().data, rolled[:, cfg["pix_y"], cfg["pix_x"]].data)
    seconds = time.perf_counter() - t0
    print(json.dumps({"seconds": seconds, "maxrss_mb": vm_hwm_mb(), "mean": float(mean),
                      "series": [None if math.isnan(v) else float(v) for v in series.tolist()]}))


if __name__ == "__main__":
    main()

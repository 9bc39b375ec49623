#!/usr/bin/python3
"""The xarray + dask side of benchmarks/labelled (go run ./benchmarks/labelled).

    /usr/bin/python3 xarray_bench.py WORKLOAD STORE OUT CONFIG_JSON CORES

WORKLOAD is sel-mean, full-mean or long-sel, run on the Zarr v2 store STORE
that the Go side made; CONFIG_JSON is the Go side's config (the same
selections). The threaded scheduler runs with CORES workers. The result of
sel-mean and full-mean is written to OUT as little-endian float64 so the Go
side can compare values. Prints one JSON line: seconds, maxrss_mb, tasks,
shape. Timing starts after the imports, as the Go side's starts in main.
"""
import json
import sys
import time

import dask
import numpy as np
import xarray as xr


def vm_hwm_mb():
    """This process's own peak RSS (VmHWM). getrusage's ru_maxrss is not
    used: Linux carries the high-water mark of the image this process was
    exec'd from (the Go parent, started by vfork) into it."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main():
    workload, store, out, cfg, cores = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4]), int(sys.argv[5])
    dask.config.set(scheduler="threads", num_workers=cores)
    t0 = time.perf_counter()
    ds = xr.open_zarr(store)
    t2m = ds["t2m"]
    t_open = time.perf_counter()
    if workload == "sel-mean":
        sel = t2m.sel(time=slice(cfg["time_lo"], cfg["time_hi"]),
                      lat=slice(cfg["lat_hi"], cfg["lat_lo"]),
                      lon=slice(cfg["lon_lo"], cfg["lon_hi"]))
    elif workload == "full-mean":
        sel = t2m
    elif workload == "long-sel":
        sel = t2m.sel(time=slice(cfg["ltime_lo"], cfg["ltime_hi"]),
                      lat=slice(cfg["lat_hi"], cfg["lat_lo"]),
                      lon=slice(cfg["lon_lo"], cfg["lon_hi"]))
    else:
        raise SystemExit("unknown workload " + workload)
    mean = sel.mean("time")
    tasks = len(mean.data.__dask_graph__())
    m = {"tasks": tasks, "shape": list(sel.shape)}
    if workload == "long-sel":
        now = time.perf_counter()
        m.update(seconds=now - t0, open_seconds=t_open - t0, sel_seconds=now - t_open)
    else:
        r = mean.compute()
        m["seconds"] = time.perf_counter() - t0
        np.asarray(r.values, dtype="<f8").tofile(out)
    m["maxrss_mb"] = vm_hwm_mb()
    print(json.dumps(m))


if __name__ == "__main__":
    main()

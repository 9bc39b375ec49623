"""Reads the same files as benchmarks/raster/main.go with rasterio (Debian's
python3-rasterio on the same GDAL) and prints the best wall time of each as
JSON. Usage: rasterio_bench.py REPEAT FILE...

Each file is read whole, band 1, into a preallocated float32 array reused
across repeats (rasterio's read(out=...)), after one warm-up read, the same
protocol as the Go side.
"""
import json
import sys
import time

import numpy as np
import rasterio


def bench(path, repeat):
    with rasterio.open(path) as ds:
        out = np.empty((ds.height, ds.width), dtype=np.float32)
        ds.read(1, out=out)  # warm-up: page in the file and the buffer
        best = float("inf")
        for _ in range(repeat):
            t0 = time.perf_counter()
            ds.read(1, out=out)
            best = min(best, time.perf_counter() - t0)
        return best, float(out[::997, ::991].sum(dtype=np.float64))


def main():
    repeat = int(sys.argv[1])
    res = {}
    for path in sys.argv[2:]:
        t, checksum = bench(path, repeat)
        res[path] = {"seconds": t, "checksum": checksum}
    res["versions"] = {"rasterio": rasterio.__version__, "gdal": rasterio.__gdal_version__}
    print(json.dumps(res))


if __name__ == "__main__":
    main()

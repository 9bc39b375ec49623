"""zarr-python side of tessera's Zarr benchmark (run with /usr/bin/python3).

    zarr_python.py PHASE DIR CODEC N THREADS

PHASE is write, readall or readchunks; CODEC zstd1 or blosclz4; the array is
N x N x N uint16 in 256^3 chunks (fewer when N < 256). Prints one JSON line
with the timed seconds and the checksum of what was read.
"""
import json
import resource
import sys
import time

import numpy as np
import numcodecs
import zarr


def field(n, z0, z1):
    z, y, x = np.ogrid[z0:z1, 0:n, 0:n]
    v = (x * 3 + y * 5 + z * 7) % 4096
    i = (z * n + y) * n + x
    noise = ((i * 2654435761) >> 7) & 15
    return (v ^ noise).astype(np.uint16)


def main():
    phase, root, cname, n, threads = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    numcodecs.blosc.set_nthreads(threads)
    c = min(256, n)
    if phase == "write":
        comp = numcodecs.Zstd(level=1) if cname == "zstd1" else numcodecs.Blosc(cname="lz4", clevel=5, shuffle=numcodecs.Blosc.SHUFFLE)
        data = np.empty((n, n, n), dtype=np.uint16)
        for z0 in range(0, n, c):
            data[z0:z0 + c] = field(n, z0, z0 + c)
        a = zarr.open(root, mode="w", shape=(n, n, n), chunks=(c, c, c), dtype="<u2", compressor=comp)
        t0 = time.perf_counter()
        a[...] = data
        secs = time.perf_counter() - t0
        s = int(data[::97, ::89, ::83].astype(np.int64).sum())
    elif phase == "readall":
        a = zarr.open(root, mode="r")
        t0 = time.perf_counter()
        data = a[...]
        secs = time.perf_counter() - t0
        s = int(data[::97, ::89, ::83].astype(np.int64).sum())
    else:
        a = zarr.open(root, mode="r")
        t0 = time.perf_counter()
        s = 0
        for z0 in range(0, n, c):
            for y0 in range(0, n, c):
                for x0 in range(0, n, c):
                    blk = a[z0:z0 + c, y0:y0 + c, x0:x0 + c]
                    s += int(blk[0, 0, 0])
        secs = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": secs, "check": s, "maxrss_mb": rss}))


if __name__ == "__main__":
    main()

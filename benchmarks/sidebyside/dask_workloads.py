"""The dask side of tessera's side-by-side benchmarks.

Run by benchmarks/sidebyside with Debian's /usr/bin/python3; prints one JSON
line: {"seconds": wall time of the computation, "value": result,
"maxrss_mb": peak resident set of this process}.
"""
import json
import operator
import resource
import sys
import time

import numpy as np
import dask
import dask.array as da


def mean_random(rows, workers):
    x = da.random.random((rows, 7500, 100), chunks=(400, 400, 100))
    t0 = time.perf_counter()
    v = x.mean().compute(scheduler="threads", num_workers=workers)
    return time.perf_counter() - t0, float(v)


def mean_pcg64(rows, workers):
    shape = (rows, 7500, 100)
    chunks = da.core.normalize_chunks((400, 400, 100), shape)

    def gen(block_info=None):
        info = block_info[None]
        rng = np.random.default_rng([0, *info["chunk-location"]])
        return rng.random(info["chunk-shape"])

    x = da.map_blocks(gen, chunks=chunks, dtype=np.float64, meta=np.array((), dtype=np.float64))
    t0 = time.perf_counter()
    v = x.mean().compute(scheduler="threads", num_workers=workers)
    return time.perf_counter() - t0, float(v)


def tasks(n, workers):
    # A binary tree of sums over n constant leaves: 2n-1 tasks, as
    # tessera's scheduler-overhead workload.
    dsk = {("c", i): i for i in range(n)}
    level, depth = [("c", i) for i in range(n)], 0
    while len(level) > 1:
        nxt = []
        for i in range(0, len(level), 2):
            k = ("s", depth, i // 2)
            dsk[k] = (sum, level[i:i + 2])
            nxt.append(k)
        level, depth = nxt, depth + 1
    t0 = time.perf_counter()
    v = dask.threaded.get(dsk, level[0], num_workers=workers)
    return time.perf_counter() - t0, float(v)


def _tree(n):
    dsk = {("c", i): i for i in range(n)}
    level, depth = [("c", i) for i in range(n)], 0
    while len(level) > 1:
        nxt = []
        for i in range(0, len(level), 2):
            k = ("s", depth, i // 2)
            dsk[k] = (sum, level[i:i + 2])
            nxt.append(k)
        level, depth = nxt, depth + 1
    return dsk, level[0]


def _local_cluster(workers):
    from dask.distributed import Client, LocalCluster
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                           dashboard_address=None)
    return cluster, Client(cluster)


def tasks_distributed(n, workers):
    # The tree of sums on a dask.distributed LocalCluster of worker
    # processes (started before the clock starts, as tessera's).
    dsk, root = _tree(n)
    cluster, client = _local_cluster(workers)
    try:
        t0 = time.perf_counter()
        v = client.get(dsk, root)
        return time.perf_counter() - t0, float(v)
    finally:
        client.close()
        cluster.close()


def mean_random_distributed(rows, workers):
    cluster, client = _local_cluster(workers)
    try:
        x = da.random.random((rows, 7500, 100), chunks=(400, 400, 100))
        t0 = time.perf_counter()
        v = x.mean().compute()
        return time.perf_counter() - t0, float(v)
    finally:
        client.close()
        cluster.close()
def rechunk(rows, workers):
    # Materialised random blocks (as tessera's sidebyside.random), rechunked
    # to tall thin chunks and back, then summed; dask's planner under a
    # 1 GB per-task limit.
    x = da.random.random((rows, 7500), chunks=(400, 400))
    y = x.rechunk((rows, 10), block_size_limit=1e9).rechunk((400, 400), block_size_limit=1e9)
    t0 = time.perf_counter()
    v = y.sum().compute(scheduler="threads", num_workers=workers)
    return time.perf_counter() - t0, float(v)


def mean3(b):
    # 3x3 mean of a block with a halo of one (numpy slicing).
    return (b[:-2, :-2] + b[:-2, 1:-1] + b[:-2, 2:] + b[1:-1, :-2] + b[1:-1, 1:-1]
            + b[1:-1, 2:] + b[2:, :-2] + b[2:, 1:-1] + b[2:, 2:]) * np.float32(1 / 9)


def overlap(n, workers):
    x = da.random.random((n, n), chunks=(1000, 1000)).astype(np.float32)
    # trim=False with a function returning the core, as tessera's NoTrim.
    m = x.map_overlap(mean3, depth=1, boundary="reflect", trim=False, dtype=np.float32)
    t0 = time.perf_counter()
    v = m.sum(dtype=np.float64).compute(scheduler="threads", num_workers=workers)
    return time.perf_counter() - t0, float(v)


def main():
    name, size, workers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    fn = {"mean_random": mean_random, "mean_pcg64": mean_pcg64, "tasks": tasks,
          "tasks_distributed": tasks_distributed,
          "mean_random_distributed": mean_random_distributed,
          "rechunk": rechunk, "overlap": overlap}[name]
    secs, value = fn(size, workers)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sys.stdout.flush()
    print(json.dumps({"seconds": secs, "value": value, "maxrss_mb": rss}))


if __name__ == "__main__":
    main()

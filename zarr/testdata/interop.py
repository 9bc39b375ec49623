"""zarr-python / numcodecs / xarray side of tessera's Zarr interop tests.

Run with Debian's /usr/bin/python3 (python3-zarr 2.13, python3-xarray).

    interop.py write DIR CASES.json   write each case with zarr-python
    interop.py check DIR CASES.json   read arrays tessera wrote; print JSON
    interop.py xr-check DIR           read tessera's dataset with xarray
    interop.py xr-write DIR           write a dataset with xarray

Values follow one formula on both sides: for flat index i,
b = (7*i + 3) % 101 and the value is b % 2 (bool), b (unsigned), b - 50
(signed) or b/4 - 10 (float).
"""
import json
import sys

import numpy as np
import numcodecs
import zarr


def expected(shape, dtype):
    n = int(np.prod(shape))
    b = (7 * np.arange(n, dtype=np.int64) + 3) % 101
    k = np.dtype(dtype).kind
    if k == "b":
        v = (b % 2) == 1
    elif k == "u":
        v = b
    elif k == "i":
        v = b - 50
    else:
        v = b / 4 - 10
    return v.astype(dtype).reshape(shape)


def codec(cfg):
    return None if cfg is None else numcodecs.get_codec(dict(cfg))


def write(root, cases):
    store = zarr.DirectoryStore(root)
    for c in cases:
        kw = dict(shape=c["shape"], chunks=c["chunks"], dtype=c["dtype"], order=c["order"],
                  compressor=codec(c["compressor"]), fill_value=c.get("fill", 0))
        if c.get("filters"):
            kw["filters"] = [codec(f) for f in c["filters"]]
        st = zarr.DirectoryStore(root + "/" + c["name"], dimension_separator=c["sep"])
        a = zarr.create(store=st, overwrite=True, **kw)
        a[...] = expected(c["shape"], c["dtype"])


def check(root, cases):
    out = {}
    for c in cases:
        try:
            a = zarr.open_array(root + "/" + c["name"], mode="r")
            want = expected(c["shape"], c["dtype"])
            got = a[...]
            if got.dtype != np.dtype(c["dtype"]).newbyteorder("=") and got.dtype != np.dtype(c["dtype"]):
                out[c["name"]] = "dtype %s, want %s" % (got.dtype, c["dtype"])
            elif not np.array_equal(got, want):
                out[c["name"]] = "values differ: %r vs %r" % (got.ravel()[:5], want.ravel()[:5])
            elif a.order != c["order"]:
                out[c["name"]] = "order %s" % a.order
            else:
                out[c["name"]] = "ok"
        except Exception as e:  # report, do not stop
            out[c["name"]] = "error: %r" % (e,)
    print(json.dumps(out))


def refl(ny, nx):
    b = (7 * np.arange(ny * nx) + 3) % 101
    v = (b / 101.0).reshape(ny, nx)
    v[::7, ::5] = np.nan
    return v


def xr_check(root):
    import xarray as xr
    ds = xr.open_zarr(root + "/ds")
    r = ds["refl"]
    want = refl(*r.shape)
    got = r.values
    nan_ok = bool(np.array_equal(np.isnan(got), np.isnan(want)))
    err = float(np.nanmax(np.abs(got - want)))
    enc = {k: (float(v) if isinstance(v, (int, float, np.number)) else str(v)) for k, v in r.encoding.items() if k in ("scale_factor", "add_offset", "_FillValue", "dtype")}
    print(json.dumps({"dims": list(r.dims), "dtype": str(got.dtype), "kind": got.dtype.kind, "nan_ok": nan_ok, "max_err": err,
                      "x": ds["x"].values.tolist()[:3], "encoding": enc, "title": ds.attrs.get("title")}))


def xr_write(root):
    import xarray as xr
    ny, nx = 12, 10
    ds = xr.Dataset({"refl": (("y", "x"), refl(ny, nx))}, coords={"y": np.arange(ny) * 30.0, "x": 500000 + np.arange(nx) * 30.0})
    ds.attrs["title"] = "from xarray"
    ds["refl"].encoding = {"dtype": "int16", "scale_factor": 1e-4, "add_offset": 0.0, "_FillValue": -9999, "chunks": (5, 5)}
    ds.to_zarr(root + "/xds", mode="w", consolidated=True)


if __name__ == "__main__":
    cmd, root = sys.argv[1], sys.argv[2]
    if cmd in ("write", "check"):
        with open(sys.argv[3]) as f:
            cases = json.load(f)
        (write if cmd == "write" else check)(root, cases)
    elif cmd == "xr-check":
        xr_check(root)
    elif cmd == "xr-write":
        xr_write(root)

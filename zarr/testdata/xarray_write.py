#!/usr/bin/python3
"""Fixtures and checks for tessera's Zarr writes, made by the real xarray.

Run by zarr/xarray_write_test.go and cmd/tessera tests (Debian's
/usr/bin/python3 with xarray, zarr 2.13, numcodecs). Subcommands:

  make DIR [--unconsolidated]
      xarray writes DIR (Zarr v2): an int64 `month` coordinate holding 0,
      a "days since 2000-01-01" time whose first value is 0, a float
      variable with NaN, an int16 variable packed with scale_factor /
      add_offset / _FillValue, and an int `count` variable without a fill.
  check REF OUT
      opens both with xarray (decoded) and fails unless dims, coords,
      dtypes, attrs and values match (NaN equal to NaN).
  append DIR N
      xarray appends N more time steps to DIR with to_zarr(append_dim=).
  expected DIR N
      fails unless xarray reads DIR as `make` plus N more time steps made
      by the same rule (stored and read back by xarray for reference).
  pack
      prints, as JSON, xarray's CF encoding of float data with NaN into
      int16 with scale_factor 0.01, add_offset 10, _FillValue -999.
"""
import json
import sys

import numpy as np
import pandas as pd
import xarray as xr


def dataset(t0, n):
    time = pd.date_range("2000-01-01", periods=t0 + n, freq="D")[t0:]
    month = np.arange(t0, t0 + n, dtype="int64") % 12
    y = np.arange(3, dtype="float64")
    x = np.arange(4, dtype="float64")
    k = np.arange(t0, t0 + n)[:, None, None] + 10 * y[None, :, None] + 100 * x[None, None, :]
    temp = (k * 0.5).astype("float64")
    temp[(k.astype(int) % 7) == 0] = np.nan
    refl = (k * 0.01 + 20).astype("float64")  # packs to k + 1000, never the fill -999
    refl[(k.astype(int) % 5) == 0] = np.nan
    count = (k.astype("int64") % 4)  # holds zeros, no fill value
    ds = xr.Dataset(
        {
            "temp": (("time", "y", "x"), temp, {"units": "K", "long_name": "temperature"}),
            "refl": (("time", "y", "x"), refl),
            "count": (("time", "y", "x"), count),
        },
        coords={"time": time, "month": ("time", month), "y": y, "x": x},
        attrs={"title": "tessera write fixture", "n": 3},
    )
    ds["refl"].encoding = {"dtype": "int16", "scale_factor": 0.01, "add_offset": 10.0, "_FillValue": -999}
    ds["time"].encoding = {"units": "days since 2000-01-01", "calendar": "proleptic_gregorian", "dtype": "int64"}
    for v in ("temp", "refl", "count", "month"):
        ds[v].encoding["chunks"] = (2,) + ds[v].shape[1:]
    ds["time"].encoding["chunks"] = (2,)
    return ds


def cmd_make(d, consolidated=True):
    dataset(0, 5).to_zarr(d, mode="w", consolidated=consolidated)


def cmd_append(d, n):
    old = xr.open_zarr(d)
    t0 = old.sizes["time"]
    new = dataset(t0, n)
    for v in new.variables:
        new[v].encoding = {}
    new.drop_vars(["y", "x"]).to_zarr(d, append_dim="time")


def summary(ds):
    out = {"dims": dict(ds.sizes), "attrs": {k: v for k, v in ds.attrs.items()}, "vars": {}}
    for name, v in ds.variables.items():
        vals = v.values
        if np.issubdtype(vals.dtype, np.datetime64):
            vals = vals.astype("datetime64[s]").astype("int64")
            isnat = v.isnull().values
        else:
            isnat = None
        out["vars"][name] = {
            "dims": list(v.dims),
            "dtype": str(v.dtype),
            "attrs": {k: (x.tolist() if hasattr(x, "tolist") else x) for k, x in v.attrs.items()},
            "values": [None if (isinstance(e, float) and e != e) else e for e in np.asarray(vals, dtype=object).ravel().tolist()],
            "nat": None if isnat is None else int(isnat.sum()),
        }
    return out


def cmd_check(ref, got):
    a = summary(xr.open_zarr(ref))
    b = summary(xr.open_zarr(got))
    if a != b:
        for k in sorted(set(a["vars"]) | set(b["vars"])):
            if a["vars"].get(k) != b["vars"].get(k):
                print("variable", k, "differs:\n want", a["vars"].get(k), "\n got ", b["vars"].get(k), file=sys.stderr)
        if a["dims"] != b["dims"] or a["attrs"] != b["attrs"]:
            print("dims/attrs differ:", a["dims"], a["attrs"], "vs", b["dims"], b["attrs"], file=sys.stderr)
        sys.exit(1)
    print(json.dumps({"ok": True, "vars": sorted(a["vars"])}))


def cmd_expected(d, n):
    import tempfile
    ds = xr.open_zarr(d)
    with tempfile.TemporaryDirectory() as tmp:
        # The same rule over all 5+n steps, stored and read back by xarray
        # itself, is what an append of n steps must give.
        dataset(0, 5 + n).to_zarr(tmp + "/want.zarr", mode="w")
        a, b = summary(ds), summary(xr.open_zarr(tmp + "/want.zarr"))
    a["attrs"], b["attrs"] = {}, {}
    if a != b:
        for k in sorted(set(a["vars"]) | set(b["vars"])):
            if a["vars"].get(k) != b["vars"].get(k):
                print("variable", k, "differs:\n want", b["vars"].get(k), "\n got ", a["vars"].get(k), file=sys.stderr)
        print("dims", a["dims"], b["dims"], file=sys.stderr)
        sys.exit(1)
    print(json.dumps({"ok": True, "dims": a["dims"]}))


def cmd_pack():
    data = np.array([[9.5, np.nan, 10.0, 10.013], [-317.67, np.nan, 337.67, 10.005]])
    v = xr.Variable(("y", "x"), data, encoding={"dtype": "int16", "scale_factor": 0.01, "add_offset": 10.0, "_FillValue": -999})
    enc = xr.conventions.encode_cf_variable(v)
    dec = xr.conventions.decode_cf_variable("v", enc)
    print(json.dumps({
        "data": [None if e != e else e for e in data.ravel().tolist()],
        "stored": enc.values.ravel().tolist(),
        "dtype": str(enc.dtype),
        "decoded": [None if e != e else e for e in dec.values.ravel().tolist()],
    }))


if __name__ == "__main__":
    c = sys.argv[1]
    if c == "make":
        cmd_make(sys.argv[2], "--unconsolidated" not in sys.argv)
    elif c == "append":
        cmd_append(sys.argv[2], int(sys.argv[3]))
    elif c == "check":
        cmd_check(sys.argv[2], sys.argv[3])
    elif c == "expected":
        cmd_expected(sys.argv[2], int(sys.argv[3]))
    elif c == "pack":
        cmd_pack()
    else:
        sys.exit("unknown subcommand " + c)

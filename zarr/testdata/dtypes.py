#!/usr/bin/python3
"""Fixtures for tessera's dtype interop tests (zarr/dtypes_test.go).

    dtypes.py write OUT   writes, under OUT,
        v2.zarr    one array per dtype, written by zarr-python 2.13
                   (numcodecs' vlen-utf8 for the object array)
        xr.zarr    an xarray Dataset with a <U3 "band" coordinate and a
                   datetime64[ns] "time" coordinate (CF-encoded by xarray)
        v3.zarr    Zarr v3 arrays of the same dtypes. zarr-python 2.13 cannot
                   write v3, so the zarr.json documents are WRITTEN BY HAND
                   here after zarr-python 3's data type documentation
                   (zarr.dtype: "string", "numpy.datetime64" with
                   {"unit", "scale_factor"}, "fixed_length_utf32" with
                   {"length_bytes"}, "null_terminated_bytes", "float16",
                   "complex64"), and the chunks are numpy's own bytes
                   (tobytes) or numcodecs' VLenUTF8 encoding, uncompressed.
    and prints a JSON manifest: store -> array -> {"dtype", "values"}.
    dtypes.py read STORE  prints the same JSON for every array of a v2 store
                          tessera wrote, as zarr-python reads it.

Values are JSON: strings as str, datetime64/timedelta64 as their int64
counts (NaT is -9223372036854775808), float16 as float ("NaN" for NaN),
complex as [re, im].
"""
import json
import math
import os
import sys

import numcodecs
import numpy as np
import pandas as pd
import xarray as xr
import zarr


def jf(x):
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def values(a):
    a = np.asarray(a)
    k = a.dtype.kind
    if k != "O":
        a = a.astype(a.dtype.newbyteorder("="))  # native order before view
    flat = a.reshape(-1)
    if k in "Mm":
        return [int(v) for v in flat.view("i8")]
    if k == "c":
        return [[jf(v.real), jf(v.imag)] for v in flat]
    if k == "f":
        return [jf(v) for v in flat]
    if k == "S":
        return [v.decode("ascii") for v in flat]
    if k in "UO":
        return [str(v) for v in flat]
    return [v.item() for v in flat]


ARRAYS = {
    # name: (numpy array, chunks, extra create kwargs)
    "u3": (np.array(["red", "grn", "blu", "ab"], dtype="<U3"), (3,), {}),
    "u3be": (np.array(["red", "gré", "b"], dtype=">U3"), (2,), {}),
    "s5": (np.array([b"ab", b"hello", b""], dtype="|S5"), (2,), {"fill_value": b"zz"}),
    "obj": (np.array(["a", "bé", "", "long string ∑"], dtype=object), (3,), {"object_codec": numcodecs.VLenUTF8()}),
    "dtns": (np.array(["2020-01-01", "NaT", "1969-12-31T23:59:59.5"], dtype="M8[ns]"), (2,), {"fill_value": np.datetime64("NaT")}),
    "dts": (np.array(["2020-01-01T00:00:01", "1900-01-01"], dtype="<M8[s]"), (1,), {}),
    "dtd": (np.array(["2020-01-01", "NaT", "1600-02-29"], dtype="<M8[D]"), (2,), {}),
    "tds": (np.array([1, -2, 3], dtype="m8[s]"), (2,), {}),
    "tdms": (np.array([1, -2, 3], dtype=">m8[ms]"), (2,), {}),
    "f2": (np.array([1.5, np.nan, 65504, -0.0, 6e-8], dtype="f2"), (2,), {"fill_value": np.nan}),
    "c8": (np.array([1 + 2j, np.nan, -3.5j], dtype="c8"), (2,), {"fill_value": 1 + 2j}),
    "c16": (np.array([1 + 2j, 3 - 4j], dtype=">c16"), (1,), {}),
    "u2d": (np.array([["a", "bb"], ["ccc", ""]], dtype="<U3"), (1, 2), {"order": "F"}),
}


def write(out):
    manifest = {"v2.zarr": {}, "xr.zarr": {}, "v3.zarr": {}}
    g = zarr.open_group(os.path.join(out, "v2.zarr"), mode="w")
    for name, (a, chunks, kw) in ARRAYS.items():
        z = g.create_dataset(name, data=a, chunks=chunks, **kw)
        manifest["v2.zarr"][name] = {"dtype": z.dtype.str, "values": values(z[...])}
    # a partly written array: the missing chunk reads as the fill value
    z = g.create_dataset("s5fill", shape=(4,), chunks=(2,), dtype="|S5", fill_value=b"zz")
    z[0:2] = [b"a", b"b"]
    manifest["v2.zarr"]["s5fill"] = {"dtype": z.dtype.str, "values": values(z[...])}
    z = g.create_dataset("dtfill", shape=(3,), chunks=(2,), dtype="M8[ns]", fill_value=np.datetime64("NaT"))
    z[0:2] = np.array(["2001-01-01", "2002-01-01"], dtype="M8[ns]")
    manifest["v2.zarr"]["dtfill"] = {"dtype": z.dtype.str, "values": values(z[...])}

    ds = xr.Dataset(
        {"v": (("band", "time"), np.arange(6.0).reshape(3, 2))},
        coords={"band": np.array(["red", "grn", "blu"]), "time": pd.date_range("2020-01-01", periods=2)},
    )
    ds.to_zarr(os.path.join(out, "xr.zarr"), mode="w")
    raw = zarr.open_group(os.path.join(out, "xr.zarr"), mode="r")
    for name in ("band", "time", "v"):
        manifest["xr.zarr"][name] = {"dtype": raw[name].dtype.str, "values": values(raw[name][...])}
    manifest["xr.zarr"]["time_decoded"] = {"dtype": "<M8[ns]", "values": values(ds["time"].values)}

    write_v3(os.path.join(out, "v3.zarr"), manifest["v3.zarr"])
    json.dump(manifest, sys.stdout)


def write_v3(root, man):
    """Hand-written zarr-python 3 shaped metadata (see the module doc)."""
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, "zarr.json"), "w") as f:
        json.dump({"zarr_format": 3, "node_type": "group", "attributes": {}}, f)
    cases = [
        ("vstr", np.array(["x", "yy", "", "zéz"], dtype=object), "string", "", "vlen"),
        ("u4", np.array(["abcd", "é"], dtype="<U4"), {"name": "fixed_length_utf32", "configuration": {"length_bytes": 16}}, "", "bytes"),
        ("s3", np.array([b"ab", b"abc"], dtype="|S3"), {"name": "null_terminated_bytes", "configuration": {"length_bytes": 3}}, "", "bytes"),
        ("dt", np.array(["2020-01-01", "NaT"], dtype="<M8[ns]"), {"name": "numpy.datetime64", "configuration": {"unit": "ns", "scale_factor": 1}}, -9223372036854775808, "bytes"),
        ("td", np.array([5, -1], dtype="<m8[h]"), {"name": "numpy.timedelta64", "configuration": {"unit": "h", "scale_factor": 1}}, 0, "bytes"),
        ("f2", np.array([0.5, np.inf], dtype="<f2"), "float16", "NaN", "bytes"),
        ("c8", np.array([1 - 1j, 2j], dtype="<c8"), "complex64", [0.0, "NaN"], "bytes"),
    ]
    for name, a, dtype, fill, ab in cases:
        d = os.path.join(root, name)
        os.makedirs(os.path.join(d, "c"), exist_ok=True)
        codec = {"name": "vlen-utf8", "configuration": {}} if ab == "vlen" else {"name": "bytes", "configuration": {"endian": "little"}}
        meta = {
            "zarr_format": 3, "node_type": "array", "shape": [int(a.shape[0]) + 1],
            "data_type": dtype,
            "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [int(a.shape[0])]}},
            "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
            "fill_value": fill, "codecs": [codec], "attributes": {}, "dimension_names": ["x"],
        }
        with open(os.path.join(d, "zarr.json"), "w") as f:
            json.dump(meta, f)
        data = numcodecs.VLenUTF8().encode(a) if ab == "vlen" else a.tobytes()
        with open(os.path.join(d, "c", "0"), "wb") as f:
            f.write(data)
        # chunk 1 is missing: its element reads as the fill value
        if ab == "vlen" or a.dtype.kind in "US":
            fv = [""]
        elif a.dtype.kind in "Mm":
            fv = [int(fill)]
        elif a.dtype.kind == "c":
            fv = [[0.0, "NaN"]]
        else:
            fv = ["NaN"]
        man[name] = {"dtype": str(a.dtype.str), "values": values(a) + fv}


def read(store):
    g = zarr.open_group(store, mode="r")
    out = {}
    for name, z in g.arrays():
        out[name] = {"dtype": z.dtype.str, "fill_value": z.fill_value if z.dtype.kind in "U" else None,
                     "filters": [f.codec_id for f in (z.filters or [])], "values": values(z[...])}
    json.dump(out, sys.stdout, default=str)


if __name__ == "__main__":
    {"write": write, "read": read}[sys.argv[1]](sys.argv[2])

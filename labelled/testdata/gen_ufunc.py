"""Makes ufunc_cases.json, the xarray reference for labelled's ufunc
wrappers (TestUfuncAgainstXarray in ufunc_test.go): dims, coords, name,
attrs, dtype and values of numpy ufuncs and operators applied to
DataArrays, with alignment by label (inner join) and broadcasting by
name. Run with Debian's python3 (numpy 1.24, xarray):

    /usr/bin/python3 labelled/testdata/gen_ufunc.py > labelled/testdata/ufunc_cases.json
"""
import json
import warnings

import numpy as np
import xarray as xr

warnings.simplefilter("ignore")
np.seterr(all="ignore")

qa = xr.DataArray(
    np.array([[0x0008, 0x0318, 0x0010, 0x5540, 0xFFFF],
              [0x0000, 0x0300, 0x1F0A, 0x0002, 0x8888],
              [0x0C18, 0x0048, 0x0001, 0x2720, 0x0104]], dtype=np.uint16),
    dims=("y", "x"), coords={"y": np.array([0, 1, 2]), "x": np.array([0, 10, 20, 30, 40])},
    name="qa", attrs={"long_name": "QA"})
refl = xr.DataArray(
    np.array([[0.1, -0.5, np.nan], [0.25, 0.3, 1.5], [-2.0, 0.0, 0.7], [np.inf, 0.05, -0.3]], dtype=np.float32),
    dims=("x", "y"), coords={"x": np.array([10, 20, 30, 40]), "y": np.array([0, 1, 2])},
    name="refl", attrs={"units": "1"})
scale = xr.DataArray(np.array([2.0, -3.0, 0.5, 0.0, 4.0]), dims=("x",),
                     coords={"x": np.array([0, 10, 20, 30, 40])}, name="scale")


def enc(v):
    """JSON has no NaN or inf: NaN is null, ±inf the strings "inf", "-inf"."""
    v = float(v)
    if v != v:
        return None
    if v in (float("inf"), float("-inf")):
        return "inf" if v > 0 else "-inf"
    return v


def da_json(da):
    coords = {}
    for n, c in da.coords.items():
        coords[n] = {"dims": list(c.dims), "shape": list(c.shape), "dtype": str(c.dtype),
                     "values": [enc(v) for v in np.asarray(c.values).ravel()]}
    return {"name": da.name, "dims": list(da.dims), "shape": list(da.shape), "dtype": str(da.dtype),
            "values": [enc(v) for v in np.asarray(da.values).ravel()], "coords": coords,
            "attrs": dict(da.attrs)}


cases = {
    "rshift": np.right_shift(qa, 3),
    "qa_cloud": (np.right_shift(qa, 3) & 1) == 1,
    "and_or_xor": ((qa & 0xFF) | 4) ^ qa,
    "lshift": np.left_shift(qa, 2),
    "invert": ~qa,
    "mod": qa % 7,
    "floordiv": refl // scale,
    "arctan2": np.arctan2(refl, scale),
    "hypot": np.hypot(scale, refl),
    "fmin": np.fmin(refl, scale),
    "fmod": np.fmod(refl, 0.2),
    "where_method": refl.where(refl > 0.2),
    "sign": np.sign(refl),
    "tanh": np.tanh(refl),
    "square_qa": np.square(qa),
    "isinf": np.isinf(refl),
}
print(json.dumps({"xarray": xr.__version__,
                  "inputs": {"qa": da_json(qa), "refl": da_json(refl), "scale": da_json(scale)},
                  "cases": {k: da_json(v) for k, v in cases.items()}}, indent=None, allow_nan=False))

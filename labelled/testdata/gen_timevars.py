#!/usr/bin/python3
"""Makes timevars.zarr (a store with CF time data variables, written by
xarray) and timevars_golden.json (what xarray decodes them to), for
labelled's TestTimeDataVariablesAgainstXarray.

    /usr/bin/python3 labelled/testdata/gen_timevars.py

time_bnds(time, nv) is written by xarray from datetime64 bounds (int64
"days since" counts); obs(time) is float64 "hours since" with a fraction
and a NaN (NaT); noleap_t(time) is int32 "days since" in the noleap
calendar, which xarray decodes to cftime objects and tessera leaves as
numbers. The golden holds xarray's decoded datetime64[ns] values as int64
(NaT as null).
"""
import json
import os
import shutil

import numpy as np
import xarray as xr

here = os.path.dirname(os.path.abspath(__file__))
store = os.path.join(here, "timevars.zarr")
shutil.rmtree(store, ignore_errors=True)

time = np.array(["2001-01-01", "2001-01-02", "2001-01-03", "2001-01-04"], dtype="datetime64[ns]")
bnds = np.stack([time - np.timedelta64(12, "h"), time + np.timedelta64(12, "h")], axis=1)
obs = np.array([1.5, np.nan, 49.25, 73.999], dtype="float64")
ds = xr.Dataset(
    {
        "t": (("time",), np.array([1.0, 2.0, 3.0, 4.0])),
        "time_bnds": (("time", "nv"), bnds),
        "obs": (("time",), obs, {"units": "hours since 2001-01-01 00:00:00", "calendar": "proleptic_gregorian"}),
        "noleap_t": (("time",), np.array([0, 1, 2, 3], dtype="int32"), {"units": "days since 2001-01-01", "calendar": "noleap"}),
    },
    coords={"time": time},
)
ds.time.attrs["bounds"] = "time_bnds"
ds.time_bnds.encoding["units"] = "days since 2000-01-01"
# obs and noleap_t carry their units as attrs; xarray decodes them on open.
ds.to_zarr(store, mode="w", consolidated=True)

back = xr.open_zarr(store)
out = {}
for name in ["time_bnds", "obs"]:
    v = back[name]
    assert v.dtype == np.dtype("datetime64[ns]"), (name, v.dtype)
    ints = v.values.astype("int64").ravel().tolist()
    nat = np.isnat(v.values).ravel().tolist()
    out[name] = {"dims": list(v.dims), "shape": list(v.shape), "ns": [None if n else i for i, n in zip(ints, nat)],
                 "encoding_units": v.encoding.get("units")}
out["noleap_t"] = {"xarray_dtype": str(back.noleap_t.dtype)}
with open(os.path.join(here, "timevars_golden.json"), "w") as f:
    json.dump(out, f, indent=1, sort_keys=True)
print("wrote", store)

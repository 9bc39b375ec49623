#!/usr/bin/python3
"""The composite story in xarray, the lines main.go prints, run on the
stack main.go wrote, for main_test.go's TestXarrayAgrees.

Run: /usr/bin/python3 xarray_composite.py STACK VAR
Prints JSON: {"seasons", "sizes", "median", "clear"} (values flattened,
NaN as null).
"""
import json
import sys

import numpy as np
import xarray as xr

da = xr.open_zarr(sys.argv[1])[sys.argv[2]]
comp = da.groupby("time.season").median()
clear = da.groupby("time.season").count()


def vals(a):
    return [None if np.isnan(v) else v for v in np.asarray(a, dtype=float).ravel().tolist()]


print(json.dumps({
    "seasons": [str(s) for s in comp.season.values],
    "sizes": {k: int(v) for k, v in comp.sizes.items()},
    "dtype": str(comp.dtype),
    "median": vals(comp.values),
    "clear": vals(clear.values),
}))

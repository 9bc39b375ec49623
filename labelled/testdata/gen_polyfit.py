# Generates polyfit_golden.json: xarray's DataArray.polyfit(full=True,
# skipna=True) over a datetime64 time coordinate (x is nanoseconds since
# 1970-01-01) and over a cftime noleap one, for labelled's Polyfit test.
# Run with /usr/bin/python3 labelled/testdata/gen_polyfit.py from the
# module root.
import json, os, warnings
import numpy as np
import xarray as xr

warnings.simplefilter("ignore")
rng = np.random.default_rng(5)

def fl(x):
    return [None if np.isnan(v) else float(v) for v in np.ravel(np.asarray(x, dtype=float))]

cases = []
for cal in ["standard", "noleap"]:
    nt = 24
    if cal == "standard":
        time = xr.cftime_range if False else None
        t = np.datetime64("2000-01-01", "ns") + np.arange(nt) * np.timedelta64(3, "D")
    else:
        t = xr.cftime_range("2000-01-01", periods=nt, freq="3D", calendar="noleap")
    data = 280 + 1e-16 * np.arange(nt)[:, None, None] + rng.standard_normal((nt, 3, 4))
    data[2, 0, 1] = np.nan
    data[:, 2, 2] = np.nan
    da = xr.DataArray(data, dims=("time", "y", "x"),
                      coords={"time": t, "y": [10.0, 20.0, 30.0], "x": [1, 2, 3, 4]})
    fit = da.polyfit("time", 2, skipna=True, full=True)
    cases.append({"calendar": cal, "days": [3 * i for i in range(nt)], "shape": list(data.shape), "data": fl(data),
                  "coef": fl(fit.polyfit_coefficients.transpose("degree", "y", "x").values),
                  "degree": fit.degree.values.tolist(),
                  "residuals": fl(fit.polyfit_residuals.transpose("y", "x").values),
                  "names": sorted(fit.data_vars)})
with open(os.path.join(os.path.dirname(__file__), "polyfit_golden.json"), "w") as f:
    json.dump(cases, f)

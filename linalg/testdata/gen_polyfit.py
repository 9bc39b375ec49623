# Generates polyfit_golden.json: numpy.polyfit and xarray's polyfit
# (skipna=True, with NaN pixels) of seeded random data, for linalg's
# Polyfit tests. Run with /usr/bin/python3 linalg/testdata/gen_polyfit.py
# from the module root.
import json, os, warnings
import numpy as np
import xarray as xr

warnings.simplefilter("ignore")
rng = np.random.default_rng(21)

def fl(x):
    return [None if np.isnan(v) else float(v) for v in np.ravel(np.asarray(x, dtype=float))]

cases = []

def numpy_case(name, x, y, deg, dtype="float64"):
    # numpy.polyfit fits the columns of a 2-D y; axis 0 is the fit axis
    c, res, rank, sv, rc = np.polyfit(x, y.astype(np.float64), deg, full=True)
    if res.size == 0:
        res = np.full(y.shape[1], np.nan)
    cases.append({"name": name, "peer": "numpy.polyfit", "dtype": dtype, "x": fl(x), "deg": deg,
                  "shape": list(y.shape), "y": fl(y), "skipna": False,
                  "coef": fl(c), "coef_shape": list(c.shape), "residuals": fl(res)})

x = np.sort(rng.uniform(0, 10, 40))
numpy_case("quadratic", x, 3 + 0.5 * x[:, None] - 0.2 * x[:, None] ** 2 + rng.standard_normal((40, 6)), 2)
numpy_case("past tile", np.arange(20.0), rng.standard_normal((20, 3000)), 3)
numpy_case("float32", np.linspace(-1, 1, 15), rng.standard_normal((15, 4)).astype(np.float32), 1, "float32")
numpy_case("degree 0", np.arange(5.0), rng.standard_normal((5, 3)), 0)
numpy_case("deg = n-1", np.arange(4.0), rng.standard_normal((4, 2)), 3)

# xarray, NaN skipped per pixel
t = np.arange(30.0)
cube = 1.5 + 0.02 * t[:, None, None] + rng.standard_normal((30, 4, 5))
cube[3, 0, 0] = np.nan
cube[[1, 5, 9], 1, 2] = np.nan
cube[:, 2, 3] = np.nan        # all NaN
cube[2:, 3, 4] = np.nan       # two valid samples for a degree-1 fit
da = xr.DataArray(cube, dims=("time", "y", "x"), coords={"time": t})
fitted = da.polyfit("time", 1, skipna=True, full=True)
c = fitted.polyfit_coefficients.transpose("degree", "y", "x").values
r = fitted.polyfit_residuals.transpose("y", "x").values
cases.append({"name": "xarray skipna", "peer": "xarray.DataArray.polyfit", "dtype": "float64", "x": fl(t), "deg": 1,
              "shape": list(cube.shape), "y": fl(cube), "skipna": True,
              "coef": fl(c), "coef_shape": list(c.shape), "residuals": fl(r)})

with open(os.path.join(os.path.dirname(__file__), "polyfit_golden.json"), "w") as f:
    json.dump(cases, f)

#!/usr/bin/python3
"""Builds small DataArrays/Datasets in xarray, runs sel/isel/arithmetic/
reductions/concat/merge on them and writes the inputs and xarray's results
to xarray_cases.json, which labelled's tests rebuild in tessera and compare.

Run: /usr/bin/python3 make_fixtures.py [out.json]   (default: xarray_cases.json
beside this script). NaN is written as null.
"""
import json
import math
import os
import sys

import cftime
import numpy as np
import xarray as xr


def enc(v):
    if isinstance(v, (np.floating, float)):
        return None if math.isnan(v) else float(v)
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.bool_,)):
        return bool(v)
    if isinstance(v, np.str_):
        return str(v)
    return v


def arr(a):
    a = np.asarray(a)
    return [enc(x) for x in a.ravel().tolist()] if a.dtype.kind != "f" else \
        [None if math.isnan(x) else x for x in a.ravel().tolist()]


def da_json(da):
    coords = {}
    for name, c in da.coords.items():
        vals = c.values
        extra = {}
        if vals.dtype.kind == "M":  # datetime64: seconds since 2020-01-01
            vals = (vals - np.datetime64("2020-01-01", "ns")) // np.timedelta64(1, "s")
        elif vals.dtype.kind == "O" and vals.size and hasattr(vals.ravel()[0], "calendar"):
            # cftime dates: seconds since 2001-01-01 in their calendar
            cal = vals.ravel()[0].calendar
            vals = np.asarray(cftime.date2num(vals, "seconds since 2001-01-01", calendar=cal), dtype=np.int64)
            extra = {"calendar": cal}
        coords[name] = {"dims": list(c.dims), "shape": list(c.shape),
                        "dtype": str(c.dtype), "values": arr(vals), **extra}
    return {"name": da.name, "dims": list(da.dims), "shape": list(da.shape),
            "dtype": str(da.dtype), "values": arr(da.values), "coords": coords}


rng = np.random.default_rng(13)
# (time, lat, lon) with a descending lat, 40*10*8 = 3200 elements (> 2048).
time = np.arange(40, dtype=np.int64)
lat = np.arange(70.0, 20.0, -5.0)          # 70 .. 25 descending
lon = np.arange(-20.0, 60.0, 10.0)         # -20 .. 50 ascending
data = rng.normal(280.0, 10.0, size=(40, 10, 8))
data[3, 2, 1] = np.nan
data[7, :, 5] = np.nan
t2m = xr.DataArray(data, dims=("time", "lat", "lon"),
                   coords={"time": time, "lat": lat, "lon": lon}, name="t2m",
                   attrs={"units": "K"})

# A field on (lon, lat) with other labels: inner join with t2m.
blon = np.array([0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0])
blat = np.array([65.0, 55.0, 45.0, 35.0, 15.0])
b = xr.DataArray(rng.normal(0.0, 1.0, size=(7, 5)), dims=("lon", "lat"),
                 coords={"lon": blon, "lat": blat}, name="b")

# Stations: a string dimension coordinate, non-dimension lat/lon on it, a
# scalar coordinate.
stations = xr.DataArray(np.arange(5 * 3, dtype=np.float64).reshape(5, 3),
                        dims=("station", "time"),
                        coords={"station": ["aa", "b", "c", "dd", "e"],
                                "slat": ("station", [50.0, 51.0, 52.0, 53.0, 54.0]),
                                "slon": ("station", [1.0, 2.0, 3.0, 4.0, 5.0]),
                                "time": np.array([0, 1, 2], dtype=np.int64),
                                "height": 2.0},
                        name="obs")

series = xr.DataArray(np.linspace(1.0, 2.0, 40), dims=("time",), coords={"time": time}, name="s")
field = xr.DataArray(np.arange(80, dtype=np.float64).reshape(10, 8) / 10.0, dims=("lat", "lon"),
                     coords={"lat": lat, "lon": lon}, name="f")
xa = xr.DataArray(np.array([1, 2, 3], dtype=np.int64), dims=("x",), coords={"x": [1.0, 2.0, 3.0]}, name="xa")
xb = xr.DataArray(np.array([10.0, 20.0, 30.0]), dims=("x",), coords={"x": [2.0, 3.0, 4.0]}, name="xb")

days = xr.DataArray(np.arange(100, dtype=np.float64), dims=("time",),
                    coords={"time": np.datetime64("2020-01-01", "ns") + np.arange(100) * np.timedelta64(1, "D")}, name="days")
days_desc = days.isel(time=slice(None, None, -1)).rename("days_desc")
# Daily axes in calendars numpy cannot hold: xarray indexes them with
# CFTimeIndex (cftime dates).
noleap = xr.DataArray(np.arange(3 * 365, dtype=np.float64), dims=("time",),
                      coords={"time": xr.cftime_range("2001-01-01", periods=3 * 365, freq="D", calendar="noleap")},
                      name="noleap")
d360 = xr.DataArray(np.arange(2 * 360, dtype=np.float64), dims=("time",),
                    coords={"time": xr.cftime_range("2001-01-01", periods=2 * 360, freq="D", calendar="360_day")},
                    name="d360")

inputs = {"noleap": da_json(noleap), "d360": da_json(d360), "days": da_json(days), "days_desc": da_json(days_desc), "t2m": da_json(t2m), "b": da_json(b), "stations": da_json(stations),
          "series": da_json(series), "field": da_json(field), "xa": da_json(xa), "xb": da_json(xb)}

cases = []


def case(name, result):
    cases.append({"name": name, "result": da_json(result)})


def err_case(name, fn):
    try:
        fn()
    except (KeyError, ValueError) as e:
        cases.append({"name": name, "error": type(e).__name__, "message": str(e)})
        return
    raise SystemExit("expected an error in " + name)


case("sel_slice_desc", t2m.sel(lat=slice(60.0, 30.0), lon=slice(-10.0, 40.0)))
case("sel_slice_wrong_direction", t2m.sel(lat=slice(30.0, 60.0)))
case("sel_slice_open", t2m.sel(lon=slice(None, 5.0), lat=slice(42.0, None)))
case("sel_exact", t2m.sel(lat=45.0, lon=10.0))
case("sel_list", t2m.sel(lon=[30.0, -20.0, 0.0]))
case("sel_two_lists", t2m.sel(lon=[30.0, -20.0], lat=[45.0, 70.0, 25.0]))
case("sel_nearest_tol", t2m.sel(lat=47.4, method="nearest", tolerance=3.0))
case("sel_nearest_list", t2m.sel(lat=[47.4, 62.6, 100.0], method="nearest"))
case("sel_nearest_tie_asc", t2m.sel(lon=15.0, method="nearest"))
case("sel_nearest_tie_desc", t2m.sel(lat=47.5, method="nearest"))
case("sel_pad", t2m.sel(lon=13.0, method="pad"))
case("sel_backfill", t2m.sel(lon=13.0, method="backfill"))
case("sel_pad_desc", t2m.sel(lat=47.0, method="pad"))
case("sel_backfill_desc", t2m.sel(lat=47.0, method="backfill"))
case("sel_time_int_slice", t2m.sel(time=slice(5, 9)))
err_case("err_nearest_past_tol", lambda: t2m.sel(lat=47.4, method="nearest", tolerance=1.0))
err_case("err_missing_label", lambda: t2m.sel(lat=46.0))
case("isel_mixed", t2m.isel(time=slice(2, 30, 3), lat=[0, 2, 4], lon=-1))
case("isel_reverse", t2m.isel(lat=slice(None, None, -2)))
case("mean_time", t2m.mean("time"))
case("std_latlon", t2m.std(("lat", "lon")))
case("sum_all", t2m.sum())
case("min_lat", t2m.min("lat"))
case("max_lon_noskip", t2m.max("lon", skipna=False))
case("count_time", t2m.count("time"))
case("prod_lon", (t2m / 280.0).prod("lon"))
case("var_time_ddof1", t2m.var("time", ddof=1))
case("any_time", (t2m > 300.0).any("time"))
case("all_lat", (t2m > 260.0).all("lat"))
case("argmin_lon", t2m.fillna(1000.0).argmin("lon"))
case("nanmean_int", xa.mean("x"))
case("argmax_time", t2m.fillna(0.0).argmax("time"))
clim = t2m.mean("time")
case("anomaly", t2m - clim)
case("inner_join_add", t2m.isel(time=0) + b)
case("broadcast_time_latlon", series * field)
case("where", xr.where(t2m > 280.0, t2m, -1.0))
case("compare_gt", t2m.isel(time=1) > field * 100.0)
case("scalar_sub", 300.0 - t2m.isel(time=slice(0, 2)))
case("outer_join_add", xr.align(xa, xb, join="outer")[0] + xr.align(xa, xb, join="outer")[1])
_l, _r = xr.align(t2m.isel(time=0), b, join="outer")
case("outer_join_2d", _l * _r)
case("transpose", t2m.transpose("lon", "time", "lat"))
case("rename", t2m.isel(time=0).rename({"lat": "y", "lon": "x"}))
case("concat_existing", xr.concat([t2m.isel(time=slice(0, 10)), t2m.isel(time=slice(30, 40))], dim="time"))
case("concat_new", xr.concat([field, field * 2.0], dim="member").assign_coords(member=[10, 20]))
case("concat_scalar_time", xr.concat([t2m.isel(time=1), t2m.isel(time=3)], dim="time"))
case("concat_stations_new", xr.concat([stations.sel(station="aa"), stations.sel(station="c")], dim="station"))
case("concat_stations_existing", xr.concat([stations.isel(station=[0, 1]), stations.isel(station=[3])], dim="station"))
case("expand_squeeze", t2m.isel(time=slice(4, 5)).squeeze("time"))
case("expand_dims", field.expand_dims("band"))
case("str_sel_label", stations.sel(station="c"))
case("str_sel_list", stations.sel(station=["dd", "aa"]))
case("str_sel_slice", stations.sel(station=slice("b", "dd")))
case("str_mean_station", stations.mean("station"))
err_case("err_str_missing", lambda: stations.sel(station="zz"))

case("time_partial_month", days.sel(time="2020-02"))
case("time_partial_year", days.sel(time="2020"))
case("time_day", days.sel(time="2020-03-05"))
case("time_slice_partial", days.sel(time=slice("2020-01-20", "2020-02")))
case("time_slice_desc", days_desc.sel(time=slice(np.datetime64("2020-02-10T00:00", "ns"), np.datetime64("2020-01-25T00:00", "ns"))))
case("time_nearest", days.sel(time="2020-02-10T13:00", method="nearest"))
err_case("err_time_missing", lambda: days.sel(time="2021-02"))
case("noleap_month", noleap.sel(time="2002-02"))
case("noleap_slice", noleap.sel(time=slice("2001-12-25", "2002-01")))
case("noleap_nearest", noleap.sel(time=cftime.DatetimeNoLeap(2002, 3, 1, 13), method="nearest"))
case("noleap_year", noleap.sel(time="2003"))
case("d360_feb30", d360.sel(time="2001-02-30"))
case("d360_month", d360.sel(time="2002-02"))

ds1 = xr.Dataset({"t2m": t2m, "f": field})
ds2 = xr.Dataset({"g": field * 3.0})
case("ds_mean_time_t2m", ds1.mean("time")["t2m"])
case("ds_mean_time_f", ds1.mean("time")["f"])
case("ds_mean_all_f", ds1.mean()["f"])
case("ds_max_lat_t2m", ds1.max("lat")["t2m"])
merged = xr.merge([ds1, ds2])
cases.append({"name": "merge_ok", "vars": sorted(merged.data_vars), "sizes": dict(merged.sizes)})
err_case("err_merge_conflict", lambda: xr.merge([xr.Dataset({"f": field}), xr.Dataset({"f": field + 1.0})], compat="no_conflicts"))
err_case("err_join_exact", lambda: xr.align(t2m.isel(time=0), b, join="exact"))

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "xarray_cases.json")
with open(out, "w") as fh:
    json.dump({"xarray": xr.__version__, "inputs": inputs, "cases": cases}, fh, separators=(",", ":"))
print("wrote", out, len(cases), "cases")

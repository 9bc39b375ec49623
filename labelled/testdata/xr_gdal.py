"""Print, as JSON, what xarray computes on a NetCDF file or a GeoTIFF: the
reference labelled's OpenNetCDF/OpenRaster tests compare against.

    /usr/bin/python3 xr_gdal.py netcdf FILE.nc
    /usr/bin/python3 xr_gdal.py raster OUTDIR   # writes OUTDIR/r.tif first
    /usr/bin/python3 xr_gdal.py calendars OUTDIR  # OUTDIR/cal_<calendar>.nc

The GeoTIFF is int16 (3 bands, 20×12, UTM 31N, nodata -9999, scale 0.5,
offset -3); its reference is open_rasterio masked as rioxarray's
masked=True and, as "scaled", masked and scaled as mask_and_scale=True.

For every variable and coordinate: dims and decoded values (NaN as null,
times as ISO strings in their calendar, strings as text); then the result
of each case (sel by labels, slices, nearest; reductions over a named dim)
listed below for the file.
"""
import json
import os
import sys

import numpy as np
import xarray as xr


def vals(a):
    a = np.asarray(a)
    if a.dtype.kind == "M":
        return [str(np.datetime_as_string(x, unit="s")) for x in a.ravel()]
    if a.dtype.kind == "O" and a.size and hasattr(a.ravel()[0], "calendar"):
        return [x.strftime("%Y-%m-%dT%H:%M:%S") for x in a.ravel()]
    if a.dtype.kind in "OSU":
        return [x.decode() if isinstance(x, bytes) else str(x) for x in a.ravel()]
    return [None if x != x else x for x in a.astype("f8").ravel().tolist()]


def rec(da):
    return {"dims": list(da.dims), "shape": list(da.shape), "dtype": str(da.dtype), "values": vals(da.values)}


NETCDF_CASES = {
    "pr4.nc": [
        ("pr", lambda d: d.pr.sel(lat=55.0)),
        ("pr", lambda d: d.pr.sel(lat=slice(58, 42), lon=slice(-6, 1))),
        ("pr", lambda d: d.pr.sel(lon=-4.0, method="nearest")),
        ("pr", lambda d: d.pr.sel(time="2001-02")),
        ("pr", lambda d: d.pr.mean("time")),
        ("tmin", lambda d: d.tmin.max("lat")),
    ],
    "classic.nc": [
        ("tas", lambda d: d.tas.sel(time=slice("1990-01-01T01", "1990-01-01T02"))),
        ("tas", lambda d: d.tas.sum("lat")),
        ("tas", lambda d: d.tas.sel(lat=[30.0, 10.0])),
    ],
    "strings.nc": [
        ("t2m", lambda d: d.t2m.mean("station")),
    ],
}

RASTER_CASES = [
    ("band_data", lambda d: d.sel(x=500015.0, method="nearest")),
    ("band_data", lambda d: d.sel(y=slice(5200000.0, 5199900.0))),
    ("band_data", lambda d: d.sel(band=[3, 1])),
    ("band_data", lambda d: d.mean("band")),
]


CALENDARS = ["standard", "gregorian", "proleptic_gregorian", "julian", "noleap", "365_day",
             "all_leap", "366_day", "360_day"]


def calendars(outdir):
    """One NETCDF4_CLASSIC file per CF calendar, its time axis crossing a
    28/29/30/31 February and the 1582 reform, and what xarray decodes."""
    res = {"xarray": xr.__version__, "vars": {}, "cases": []}
    t = np.array([-150000.25, 0.0, 30.5, 58.0, 59.0, 60.0, 365.25, 1500.0])
    for cal in CALENDARS:
        p = os.path.join(outdir, "cal_%s.nc" % cal)
        ds = xr.Dataset({"v": (("time",), np.arange(t.size, dtype="f8"))},
                        coords={"time": ("time", t, {"units": "days since 1600-01-01 06:00", "calendar": cal})})
        ds.to_netcdf(p, format="NETCDF4_CLASSIC", encoding={"time": {"_FillValue": None}})
        d = xr.open_dataset(p, use_cftime=True)
        res["vars"][cal] = rec(d.time)
        res["cases"].append(rec(d.v.sel(time=slice("1600-02-27", "1600-03-02"))))
    return res


def main():
    kind, path = sys.argv[1], sys.argv[2]
    out = {"xarray": xr.__version__, "vars": {}, "cases": []}
    if kind == "calendars":
        print(json.dumps(calendars(path)))
        return
    if kind == "netcdf":
        ds = xr.open_dataset(path)
        for name in list(ds.variables):
            v = ds[name]
            out["vars"][name] = dict(rec(v), coord=name in ds.coords)
        for var, f in NETCDF_CASES[os.path.basename(path)]:
            out["cases"].append(rec(f(ds)))
    else:
        import rasterio
        from rasterio.transform import from_origin
        tif = os.path.join(path, "r.tif")
        data = (np.arange(3 * 20 * 12, dtype="i2").reshape(3, 20, 12) % 97) - 5
        data[:, 0, 0] = -9999
        with rasterio.open(tif, "w", driver="GTiff", width=12, height=20, count=3, dtype="int16",
                           crs="EPSG:32631", transform=from_origin(499980.0, 5200020.0, 10.0, 10.0),
                           nodata=-9999, tiled=True, blockxsize=16, blockysize=16) as f:
            f.write(data)
            f.scales = (0.5, 0.5, 0.5)
            f.offsets = (-3.0, -3.0, -3.0)
        da = xr.open_rasterio(tif)
        nd = da.attrs["nodatavals"][0]
        # rioxarray's open_rasterio(masked=True): its RasterioArrayWrapper
        # promotes the dtype with xarray's maybe_promote (int16 -> float32).
        masked = da.where(da != nd).astype(xr.core.dtypes.maybe_promote(da.dtype)[0])
        out["nodata"] = nd
        # open_rasterio(mask_and_scale=True): masked, then stored*scale + offset.
        out["scaled"] = rec(masked * masked.dtype.type(da.attrs["scales"][0]) + masked.dtype.type(da.attrs["offsets"][0]))
        out["vars"]["band_data"] = rec(masked)
        for c in ("band", "y", "x"):
            out["vars"][c] = rec(da[c])
        for var, f in RASTER_CASES:
            out["cases"].append(rec(f(masked)))
    print(json.dumps(out))


main()

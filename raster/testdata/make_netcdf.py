"""Make the NetCDF fixtures read by raster's multidim tests, with xarray and
netCDF4 (Debian's /usr/bin/python3). Run from raster/testdata:

    /usr/bin/python3 make_netcdf.py

pr4.nc      NetCDF-4: pr(time, lat, lon) float32, "days since" time in the
            noleap calendar, descending lat, _FillValue, int16 packed var.
classic.nc  NETCDF3_CLASSIC: tas(time, lat, lon) float64 and an int var.
strings.nc  NetCDF-4: station dim with a string variable `name`, a char
            variable `code(station, strlen)`, and non-dimension coords
            lat/lon on station (CF `coordinates` attribute).
"""
import numpy as np
import netCDF4
import xarray as xr

nt, ny, nx = 36, 5, 4
time = np.arange(nt, dtype="f8") * 30.0 + 15.5
lat = np.linspace(60.0, 40.0, ny)  # descending
lon = np.linspace(-10.0, 5.0, nx)
pr = (np.arange(nt * ny * nx, dtype="f4").reshape(nt, ny, nx) * 0.25).astype("f4")
pr[0, 0, 0] = np.nan
ds = xr.Dataset(
    {
        "pr": (("time", "lat", "lon"), pr, {"units": "kg m-2 s-1", "long_name": "precipitation"}),
        "tmin": (("time", "lat", "lon"), (np.arange(nt * ny * nx) % 500 - 100).astype("i2").reshape(nt, ny, nx),
                 {"scale_factor": 0.1, "add_offset": 273.15, "valid_range": np.array([-100, 400], dtype="i2")}),
    },
    coords={"time": ("time", time, {"units": "days since 2000-01-01", "calendar": "noleap", "standard_name": "time"}),
            "lat": ("lat", lat, {"units": "degrees_north"}),
            "lon": ("lon", lon, {"units": "degrees_east"})},
    attrs={"title": "pr fixture", "institution": "tessera", "version": np.int32(3), "levels": np.array([1.5, 2.5, 3.5])},
)
enc = {"pr": {"_FillValue": np.float32(1e20), "chunksizes": (12, 5, 2), "zlib": True},
       "tmin": {"_FillValue": np.int16(-32767), "dtype": "i2"},
       "time": {"dtype": "f8", "_FillValue": None},
       "lat": {"_FillValue": None}, "lon": {"_FillValue": None}}
ds.to_netcdf("pr4.nc", format="NETCDF4", encoding=enc)

c = xr.Dataset(
    {"tas": (("time", "lat", "lon"), np.arange(4 * 3 * 2, dtype="f8").reshape(4, 3, 2) - 5.0, {"units": "K"}),
     "count": (("lat", "lon"), np.arange(6, dtype="i4").reshape(3, 2))},
    coords={"time": ("time", np.arange(4, dtype="f8"), {"units": "hours since 1990-01-01 00:00:00", "calendar": "standard"}),
            "lat": ("lat", np.array([10.0, 20.0, 30.0])), "lon": ("lon", np.array([100.0, 101.0]))},
    attrs={"Conventions": "CF-1.8"},
)
c.to_netcdf("classic.nc", format="NETCDF3_CLASSIC", unlimited_dims=["time"],
            encoding={k: {"_FillValue": None} for k in ["time", "lat", "lon", "count"]})

with netCDF4.Dataset("strings.nc", "w", format="NETCDF4") as f:
    f.createDimension("station", 3)
    f.createDimension("strlen", 4)
    name = f.createVariable("name", str, ("station",))
    name[:] = np.array(["Oslo", "Bergen", "Tromsø"], dtype=object)
    code = f.createVariable("code", "S1", ("station", "strlen"))
    code[:] = netCDF4.stringtochar(np.array(["OSL", "BGO", "TOS"], dtype="S4"))
    la = f.createVariable("lat", "f8", ("station",))
    la[:] = [59.9, 60.4, 69.6]
    la.units = "degrees_north"
    lo = f.createVariable("lon", "f8", ("station",))
    lo[:] = [10.7, 5.3, 18.9]
    lo.units = "degrees_east"
    t = f.createVariable("t2m", "f4", ("station",), fill_value=np.float32(-999))
    t[:] = [1.5, -2.0, -9.25]
    t.coordinates = "lat lon name"
    t.units = "degC"
    f.note = "string fixture"

# groups.nc: a scalar grid-mapping variable at the root, NC_BYTE/int64/
# uint16 variables, and a sub-group whose variables use the root's dims.
with netCDF4.Dataset("groups.nc", "w", format="NETCDF4") as f:
    f.createDimension("x", 3)
    f.createDimension("t", None)
    crs = f.createVariable("crs", "i4", ())
    crs.grid_mapping_name = "latitude_longitude"
    crs.semi_major_axis = 6378137.0
    x = f.createVariable("x", "f4", ("x",))
    x[:] = [0.5, 1.5, 2.5]
    b = f.createVariable("flags", "i1", ("x",))
    b[:] = [-3, 0, 7]
    b.flag_values = np.array([-3, 0, 7], dtype="i1")
    big = f.createVariable("big", "i8", ("t", "x"))
    big[0:2, :] = np.array([[2**40, -1, 5], [7, 8, -(2**50)]], dtype="i8")
    u = f.createVariable("counts", "u2", ("x",), fill_value=np.uint16(65535))
    u[:] = [1, 65535, 3]
    g = f.createGroup("obs")
    g.source = "sub-group"
    u.empty = np.array([], dtype="f8")  # a zero-length attribute
    f.createGroup("obs").createGroup("deep")
    v = g.createVariable("temp", "f8", ("t", "x"))
    v[:, :] = np.arange(6.0).reshape(2, 3)
    v.units = "K"

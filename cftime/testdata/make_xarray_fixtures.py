#!/usr/bin/python3
"""Make cftime/testdata/xarray_table.json with the real xarray (python3-xarray).

encode: axes of dates in every calendar (cftime objects; datetime64[ns] for
the standard calendar, as xarray holds them) passed to
xarray.coding.times.encode_cf_datetime with units=None, so xarray infers the
units (infer_datetime_units); kept: the dates (year..microsecond), the units
string, the values and whether they came back as integers.
decode: xarray.coding.times.decode_cf_datetime of values under units strings
with time zones and odd reference dates, standard calendar (pandas path),
kept as datetime64[ns] integers.

Run: /usr/bin/python3 cftime/testdata/make_xarray_fixtures.py > cftime/testdata/xarray_table.json
"""
import json
import sys
import warnings

warnings.simplefilter("ignore")

import cftime
import numpy as np
from xarray.coding.times import decode_cf_datetime, encode_cf_datetime

CALS = ["standard", "proleptic_gregorian", "julian", "noleap", "all_leap", "360_day"]


def axes(cal):
    D = lambda *a: cftime.datetime(*a, calendar=cal)
    return {
        "daily": [D(2000, 1, 1), D(2000, 1, 2), D(2000, 1, 3), D(2000, 2, 28), D(2000, 3, 1)],
        "hourly": [D(1999, 12, 30, 22), D(1999, 12, 30, 23), D(2000, 1, 1, 0), D(2000, 1, 1, 5)],
        "minutes": [D(2000, 1, 1, 0, 30), D(2000, 1, 1, 1, 0), D(2000, 1, 1, 1, 45)],
        "seconds": [D(1850, 6, 1, 0, 0, 1), D(1850, 6, 1, 0, 0, 2), D(1850, 6, 2)],
        "millis": [D(2000, 1, 1, 0, 0, 0, 1000), D(2000, 1, 1, 0, 0, 0, 3000)],
        "micros": [D(2000, 1, 1, 0, 0, 0, 1), D(2000, 1, 1, 0, 0, 0, 4)],
        "descending": [D(2001, 1, 1), D(2000, 12, 30), D(2000, 1, 1)],
        "year1": [D(1, 1, 1), D(1, 1, 2, 12)],
    }


def f(d):
    return [d.year, d.month, d.day, d.hour, d.minute, d.second, d.microsecond]


def main():
    enc = []
    for cal in CALS:
        for name, dates in axes(cal).items():
            arr = np.array(dates, dtype=object)
            if cal == "standard" and name != "year1":
                arr = np.array([np.datetime64(d.isoformat(), "ns") for d in dates])
            num, units, calendar = encode_cf_datetime(arr, None, cal)
            isint = num.dtype.kind in "iu"
            enc.append({"calendar": cal, "name": name, "dates": [f(d) for d in dates], "units": units,
                        "values": [int(v) if isint else float(v) for v in num], "int": bool(isint)})
    dec = []
    for units, values in [
        ("days since 1900-01-01 00:00:00.0 -6:00", [0, 1, 2]),
        ("days since 1900-01-01 00:00:00.0 -06:00", [0, 1.5]),
        ("hours since 2000-01-01T12:00:00Z", [0, -12, 36]),
        ("seconds since 1970-01-01 00:00:00 UTC", [0, 86400, 1e9]),
        ("days since 1970-1-1", [0, 18262, -1]),
        ("minutes since 2000-01-01 00:00:00 +05:30", [0, 330]),
        ("days since 2000-01-01", [0.25, 0.5, 1.1]),
        ("nanoseconds since 2000-01-01", [1, 999999999]),
    ]:
        out = decode_cf_datetime(np.array(values), units, "standard")
        dec.append({"units": units, "values": [float(v) for v in values],
                    "datetime64ns": [int(v) for v in out.astype("M8[ns]").astype(np.int64)]})
    json.dump({"encode": enc, "decode": dec}, sys.stdout, indent=0)


main()

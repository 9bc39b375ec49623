#!/usr/bin/python3
"""Make cftime/testdata/cftime_table.json.gz with the real cftime (python3-cftime).

For every CF calendar: a few hundred dates (random ones, and the special ones:
year 1, 0001-03-01, leap days, 1582-10-04/15 in standard, 360_day's Feb 30,
dates before each reference date) encoded with cftime.date2num in several
units and reference dates, and each value decoded back with cftime.num2date.
Each row keeps what cftime reports: the value (int when date2num gave an int),
the decoded fields, dayofyr, dayofwk and isoformat().

Run: /usr/bin/python3 cftime/testdata/make_fixtures.py | gzip -9n > cftime/testdata/cftime_table.json.gz
"""
import json
import random
import sys
import warnings

warnings.simplefilter("ignore")

import cftime
import numpy as np

random.seed(13)

CALENDARS = ["standard", "proleptic_gregorian", "julian", "noleap", "all_leap", "360_day"]
UNITS = [
    "days since 0001-01-01",
    "days since 1-1-1",
    "hours since 1970-01-01 00:00:00",
    "seconds since 2000-01-01T12:00:00Z",
    "minutes since 1900-01-01 00:00:00.0 -06:00",
    "milliseconds since 1850-01-01",
    "microseconds since 1999-12-30 23:59:59.5",
    "days since 2000-01-01 06:00:00 +01:30",
]
EXTRA = {"360_day": ["months since 2000-01-01"], "noleap": ["common_years since 2000-01-01"]}


def special_dates(cal):
    d = [(1, 1, 1), (1, 3, 1), (1, 2, 28), (4, 2, 28), (1000, 1, 1), (1500, 2, 28), (1600, 2, 28),
         (1700, 2, 28), (1900, 2, 28), (1969, 12, 31), (1970, 1, 1), (1999, 12, 31), (2000, 1, 1),
         (2000, 2, 28), (2000, 3, 1), (2001, 2, 28), (2024, 12, 31), (2262, 4, 11), (2999, 12, 31)]
    if cal in ("standard", "julian", "proleptic_gregorian", "all_leap"):
        d += [(4, 2, 29), (1500, 2, 29), (1600, 2, 29), (2000, 2, 29), (2024, 2, 29)]
    if cal in ("julian", "all_leap", "360_day"):
        d += [(1700, 2, 29), (1900, 2, 29)]
    if cal == "standard":
        d += [(1582, 10, 4), (1582, 10, 15), (1582, 10, 3), (1582, 10, 16), (1582, 12, 31), (1583, 1, 1)]
    else:
        d += [(1582, 10, 4), (1582, 10, 10), (1582, 10, 15)]
    if cal == "360_day":
        d += [(2000, 2, 29), (2000, 2, 30), (2021, 2, 30), (1, 12, 30)]
    return [(y, m, dd, 0, 0, 0, 0) for (y, m, dd) in d] + [(2000, 2, 28, 23, 59, 59, 999999), (1970, 1, 1, 0, 0, 0, 1),
                                                         (1582, 10, 4, 23, 0, 0, 0)]


def random_dates(cal, n):
    out = []
    for i in range(n):
        y = random.randint(1, 2500)
        m = random.randint(1, 12)
        dim = cftime.datetime(y, m, 1, calendar=cal).daysinmonth
        d = random.randint(1, dim)
        if cal == "standard" and y == 1582 and m == 10 and 4 < d < 15:
            d = 20
        if i % 3 == 0:
            out.append((y, m, d, 0, 0, 0, 0))
        elif i % 3 == 1:
            out.append((y, m, d, random.randint(0, 23), 0, 0, 0))
        else:
            out.append((y, m, d, random.randint(0, 23), random.randint(0, 59), random.randint(0, 59),
                        random.choice([0, 0, 500000, random.randint(0, 999999)])))
    return out


def fields(d):
    return [d.year, d.month, d.day, d.hour, d.minute, d.second, d.microsecond, d.dayofyr, d.dayofwk, d.isoformat()]


def main():
    rows = []
    for cal in CALENDARS:
        dates = special_dates(cal) + random_dates(cal, 200)
        for units in UNITS + EXTRA.get(cal, []):
            for f in dates:
                try:
                    d = cftime.datetime(*f, calendar=cal)
                except ValueError:
                    continue  # a special date this calendar does not have
                v = cftime.date2num(d, units, cal)
                isint = isinstance(v, (int, np.integer))
                back = cftime.num2date(v, units, cal)
                rows.append([cal, units, list(f), int(v) if isint else float(v), isint, fields(back)])
        # offsets decoded as given: negative, fractional, float noise
        for units in ["days since 2000-03-01", "hours since 0001-01-01 00:00:00", "days since 1582-10-15"]:
            for v in [-1, -59, -366, -1000000, 0.5, -0.5, 1.25, 1 / 3, 2 / 3, 0.1, 1e-7, 36524.999999, -1.000001,
                      123456.789, 730000.0]:
                try:
                    back = cftime.num2date(v, units, cal)
                except Exception:
                    continue
                isint = isinstance(v, int)
                rows.append([cal, units, None, v, isint, fields(back)])
    json.dump({"cftime": cftime.__version__, "rows": rows}, sys.stdout, separators=(",", ":"))


main()

#!/usr/bin/python3
"""Decode what tessera's cftime.Encode wrote, with the real xarray.

Reads JSON from stdin: a list of {"calendar", "units", "values"} and writes
the list of decoded times, each as cftime's isoformat() (datetime64 values
converted through pandas to the same form), as xarray.decode_cf would give
them when it opens a file holding those attributes and values.
Used by TestEncodeReadByXarray.
"""
import json
import sys
import warnings

warnings.simplefilter("ignore")

import numpy as np
import pandas as pd
from xarray.coding.times import decode_cf_datetime


def iso(v):
    if isinstance(v, np.datetime64):
        ts = pd.Timestamp(v)
        s = ts.strftime("%Y-%m-%dT%H:%M:%S")
        frac = ts.microsecond * 1000 + ts.nanosecond
        if frac:
            s += ".%09d" % frac if frac % 1000 else ".%06d" % (frac // 1000)
        return s
    return v.isoformat()


out = []
for case in json.load(sys.stdin):
    values = np.array([np.nan if v is None else v for v in case["values"]])
    if all(isinstance(v, int) for v in case["values"]):
        values = np.array(case["values"], dtype=np.int64)
    dates = decode_cf_datetime(values, case["units"], case["calendar"])
    out.append([iso(d) for d in dates])
json.dump(out, sys.stdout)

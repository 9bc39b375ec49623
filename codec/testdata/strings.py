#!/usr/bin/python3
"""Writes strings_fixtures.json for codec's string codec tests
(strings_test.go): numcodecs 0.11's VLenUTF8 encoding of object arrays and
numpy's own bytes of fixed-width "U"/"S" arrays (both byte orders), as hex.

    /usr/bin/python3 testdata/strings.py > testdata/strings_fixtures.json
"""
import json

import numcodecs
import numpy as np

VALUES = [
    [],
    [""],
    ["a", "bé", "", "long string ∑", "日本語"],
    ["x" * 300, "y"],
]

cases = []
for v in VALUES:
    a = np.array(v, dtype=object)
    cases.append({"kind": "vlen", "values": v, "hex": numcodecs.VLenUTF8().encode(a).hex()})
    width = max([len(s) for s in v] + [1])
    for order in "<>":
        u = np.array(v, dtype="%sU%d" % (order, width))
        cases.append({"kind": "U", "order": order, "width": width, "values": v, "hex": u.tobytes().hex()})
    if all(s.isascii() for s in v):
        bw = max([len(s) for s in v] + [1])
        s = np.array([x.encode() for x in v], dtype="|S%d" % bw)
        cases.append({"kind": "S", "order": "|", "width": bw, "values": v, "hex": s.tobytes().hex()})
json.dump({"numcodecs": numcodecs.__version__, "numpy": np.__version__, "cases": cases}, open(1, "w"), indent=1, ensure_ascii=False)

# Generates matmul_golden.json: numpy's matmul, dot and tensordot of
# seeded random operands, for linalg's golden tests. Run with
# /usr/bin/python3 linalg/testdata/gen_matmul.py from the module root.
import json, os
import numpy as np

rng = np.random.default_rng(14)
cases = []

def fl(x):
    # JSON has no NaN: null stands for it
    return [None if np.isnan(v) else float(v) for v in np.ravel(x).astype(float)]

def add(name, op, a, b, axes=None):
    a = np.asarray(a); b = np.asarray(b)
    if op == "matmul":
        r = np.matmul(a, b)
    elif op == "dot":
        r = np.dot(a, b)
    else:
        r = np.tensordot(a, b, axes=axes)
    c = {"name": name, "op": op, "dtype": str(a.dtype),
         "a_shape": list(a.shape), "a": fl(a),
         "b_shape": list(b.shape), "b": fl(b),
         "shape": list(np.shape(r)), "want": fl(r)}
    if axes is not None:
        c["axes_a"], c["axes_b"] = [list(x) for x in axes]
    cases.append(c)

add("2d past tile", "matmul", rng.standard_normal((70, 53)), rng.standard_normal((53, 41)))
add("2d float32", "matmul", rng.standard_normal((9, 13)).astype(np.float32), rng.standard_normal((13, 7)).astype(np.float32))
add("int64", "matmul", rng.integers(-5, 5, (6, 8)), rng.integers(-5, 5, (8, 3)))
add("batch broadcast", "matmul", rng.standard_normal((3, 1, 5, 6)), rng.standard_normal((4, 6, 7)))
add("vector matrix", "matmul", rng.standard_normal(6), rng.standard_normal((2, 6, 5)))
add("matrix vector", "matmul", rng.standard_normal((2, 5, 6)), rng.standard_normal(6))
add("vector vector", "matmul", rng.standard_normal(9), rng.standard_normal(9))
add("empty contracted", "matmul", np.zeros((3, 0)), np.zeros((0, 4)))
add("length-1 axes", "matmul", rng.standard_normal((1, 4)), rng.standard_normal((4, 1)))
add("dot 1d", "dot", rng.standard_normal(11), rng.standard_normal(11))
add("dot nd", "dot", rng.standard_normal((3, 4, 5)), rng.standard_normal((2, 5, 6)))
add("dot nd vector", "dot", rng.standard_normal((3, 4, 5)), rng.standard_normal(5))
add("tensordot two axes", "tensordot", rng.standard_normal((4, 5, 6)), rng.standard_normal((6, 3, 5)), axes=([1, 2], [2, 0]))
add("tensordot none", "tensordot", rng.standard_normal((3, 2)), rng.standard_normal((4,)), axes=([], []))
a = rng.standard_normal((20, 30)); a[3, 4] = np.nan
add("nan", "matmul", a, rng.standard_normal((30, 10)))

with open(os.path.join(os.path.dirname(__file__), "matmul_golden.json"), "w") as f:
    json.dump(cases, f)

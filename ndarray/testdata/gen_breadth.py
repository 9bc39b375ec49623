"""Makes breadth_golden.json, the numpy reference for ndarray's indexing,
reshape, pad, concatenate and overlap tests. Run with Debian's numpy:

    /usr/bin/python3 ndarray/testdata/gen_breadth.py > ndarray/testdata/breadth_golden.json
"""
import json
import numpy as np

x = np.arange(6 * 7 * 5, dtype=np.float64).reshape(6, 7, 5)
y = np.arange(5 * 4, dtype=np.float64).reshape(5, 4)
z = np.arange(6, dtype=np.float64).reshape(1, 6, 1)
w = np.arange(9 * 11, dtype=np.float64).reshape(9, 11) ** 1.5 % 17


def focal(a, depth, mode, value=0.0):
    """Sum over the (2d+1)^2 window of a padded like dask's boundary."""
    if mode == "none":
        p = np.pad(a, depth, mode="constant", constant_values=0)
    elif mode == "constant":
        p = np.pad(a, depth, mode="constant", constant_values=value)
    else:
        p = np.pad(a, depth, mode={"reflect": "symmetric", "periodic": "wrap", "nearest": "edge"}[mode])
    out = np.zeros_like(a)
    for i in range(-depth, depth + 1):
        for j in range(-depth, depth + 1):
            out += p[depth + i:depth + i + a.shape[0], depth + j:depth + j + a.shape[1]]
    return out


cases = {
    "idx1": x[1:5],
    "idx2": x[::-1, 2, ::2],
    "idx3": x[-1, None, 1:6:3, ...],
    "idx4": x[..., -2],
    "idx5": x[5:0:-2, ::-3],
    "idx6": x[:, [6, 0, 3, 3, -1]],
    "idx7": x[None, :, :, None, 1],
    "idx8": x[10:20],
    "idx9": x[:, ::-1, [4, 0]],
    "idx10": x[-100:100:4, -3:-7:-1, 4],
    "T1": x.transpose(2, 0, 1),
    "T2": x.T,
    "R1": x.reshape(42, 5),
    "R2": x.reshape(6, 35),
    "R3": x.reshape(210),
    "R4": x.reshape(3, 2, 7, 5),
    "R5": x.reshape(6, 7, 5, 1),
    "R6": x.reshape(2, 3, 35),
    "R7": x.reshape(-1, 5, 7),
    "squeeze": z.squeeze(),
    "squeeze0": z.squeeze(axis=0),
    "expand": np.expand_dims(y, -1),
    "take": np.take(y, [3, 0, -1, 1], axis=1),
    "concat0": np.concatenate([y, y * 2], axis=0),
    "concat1": np.concatenate([y, y * 2, y[:, :1]], axis=1),
    "stack1": np.stack([y, y + 1], axis=1),
}
for mode in ["constant", "edge", "reflect", "symmetric", "wrap"]:
    kw = {"constant_values": 7} if mode == "constant" else {}
    cases["pad_" + mode] = np.pad(y, ((2, 3), (1, 0)), mode=mode, **kw)
    cases["padwide_" + mode] = np.pad(y, ((6, 0), (0, 5)), mode=mode, **kw)
for mode in ["reflect", "periodic", "nearest", "constant", "none"]:
    cases["focal1_" + mode] = focal(w, 1, mode, 3.0)
    cases["focal2_" + mode] = focal(w, 2, mode, 3.0)

print(json.dumps({k: {"shape": list(v.shape), "values": v.ravel().tolist()} for k, v in cases.items()}))

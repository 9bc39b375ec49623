"""Print, as a JSON list, Python's str(float(a)) of each argument: the
reference for raster.PyFloat (rioxarray formats GeoTransform with str()).

    /usr/bin/python3 pyfloat.py 0.1 1e16 ...
"""
import json
import sys

print(json.dumps([str(float(a)) for a in sys.argv[1:]]))

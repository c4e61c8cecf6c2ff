"""Python joblib baseline for PersistenceBenchmark: hash, raw dump and raw load of a 200 MB
float64 array. Prints `name value unit` lines; each speed is the median of RUNS runs after one
warm-up. Run with Debian's joblib: /usr/bin/python3 benchmarks/python/persistence.py [MB] [RUNS] [DIR]
"""
import os
import sys
import tempfile
import time

import joblib
import numpy as np


def seconds(runs, body):
    body()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        body()
        times.append(time.perf_counter() - start)
    times.sort()
    return times[runs // 2]


def main():
    megabytes = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    directory = sys.argv[3] if len(sys.argv) > 3 else tempfile.gettempdir()
    data = np.random.default_rng(0).random(megabytes * (1 << 20) // 8)
    mb = data.nbytes / 1e6
    path = os.path.join(directory, "joblib-bench-%d.pkl" % os.getpid())
    try:
        prefix = "python.joblib_%s" % joblib.__version__
        print("%s.hash.md5 %.4g MB/s" % (prefix, mb / seconds(runs, lambda: joblib.hash(data))))
        print("%s.dump.raw %.4g MB/s" % (prefix, mb / seconds(runs, lambda: joblib.dump(data, path))))
        print("%s.load.raw %.4g MB/s" % (prefix, mb / seconds(runs, lambda: joblib.load(path))))
        assert np.array_equal(joblib.load(path), data)
    finally:
        if os.path.exists(path):
            os.remove(path)


if __name__ == "__main__":
    main()

"""Python joblib's default (loky) backend on tiny tasks, for the side-by-side report.

Measured the way ProcessesBenchmark measures the processes backend: a warm pool of 2 workers,
automatic batching, tasks that square a number, the median of 5 calls per size. Prints `name value
unit` lines; ProcessesBenchmark runs it in the same report and prints the ratios. Sizes are the
arguments (default 1,000,000). Run with Debian's joblib:
    /usr/bin/python3 benchmarks/python/loky_tiny_tasks.py [n ...]
"""
import sys
import time

import joblib
from joblib import Parallel, delayed

DEFAULT_N = 1_000_000


def square(x):
    return x * x


def name(n):
    suffix = "" if n == DEFAULT_N else "_%dk" % (n // 1000)
    return "python.joblib_%s.loky.tiny_tasks%s" % (joblib.__version__, suffix)


def main():
    sizes = [int(a) for a in sys.argv[1:]] or [DEFAULT_N]
    with Parallel(n_jobs=2, backend="loky") as parallel:
        parallel(delayed(square)(i) for i in range(10_000))  # start and warm the workers
        times = {n: [] for n in sizes}
        for _ in range(5):
            for n in sizes:
                start = time.perf_counter()
                parallel(delayed(square)(i) for i in range(n))
                times[n].append(time.perf_counter() - start)
    for n in sizes:
        times[n].sort()
        print("%s %.4g tasks/s" % (name(n), n / times[n][2]), flush=True)


if __name__ == "__main__":
    main()

"""Python joblib's default (loky) backend on tiny tasks, for the side-by-side report.

Measured the way ProcessesBenchmark measures the processes backend: a warm pool of 2 workers,
automatic batching, tasks that square a number. Prints `name value unit` lines. Run with Debian's
joblib:
    /usr/bin/python3 benchmarks/python/loky_tiny_tasks.py
"""
import time

import joblib
from joblib import Parallel, delayed

N = 1_000_000


def square(x):
    return x * x


def main():
    with Parallel(n_jobs=2, backend="loky") as parallel:
        parallel(delayed(square)(i) for i in range(10_000))  # start and warm the workers
        times = []
        for _ in range(5):
            start = time.perf_counter()
            parallel(delayed(square)(i) for i in range(N))
            times.append(time.perf_counter() - start)
    times.sort()
    print("python.joblib_%s.loky.tiny_tasks %.4g tasks/s" % (joblib.__version__, N / times[2]))


if __name__ == "__main__":
    main()

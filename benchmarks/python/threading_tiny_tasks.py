"""Python joblib's threading backend on tiny tasks, for the side-by-side report.

Prints `name value unit` lines like the Java report. Run with Debian's joblib:
    /usr/bin/python3 benchmarks/python/threading_tiny_tasks.py
"""
import time

import joblib
from joblib import Parallel, delayed

N = 100_000


def square(x):
    return x * x


def main():
    with Parallel(n_jobs=2, backend="threading") as parallel:
        parallel(delayed(square)(i) for i in range(1000))  # warm-up
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            parallel(delayed(square)(i) for i in range(N))
            best = min(best, time.perf_counter() - start)
    print("python.joblib_%s.threading.tiny_tasks %.4g tasks/s" % (joblib.__version__, N / best))


if __name__ == "__main__":
    main()

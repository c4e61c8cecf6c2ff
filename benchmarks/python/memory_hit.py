"""Python joblib's Memory on a local directory, measured like MemoryBenchmark.java.

Prints `name value unit` lines like the Java report: the median latency of a cache hit over 200
distinct small arguments (each computed once, then warmed), and the overhead of a miss over the bare call of a 1 ms function. Run with
Debian's joblib:
    /usr/bin/python3 benchmarks/python/memory_hit.py
"""
import shutil
import statistics
import tempfile
import time

import joblib
from joblib import Memory

HIT_KEYS = 200
HIT_WARMUPS = 400
HIT_CALLS = 2000
MISS_CALLS = 300


def small(x):
    return [x, x + 1, x + 2]


def one_millisecond(x):
    end = time.perf_counter() + 0.001
    acc = x
    while time.perf_counter() < end:
        acc = (acc * 6364136223846793005 + 1442695040888963407) % (1 << 64)
    return acc


def median_per_call(calls, fn):
    seconds = []
    for i in range(calls):
        start = time.perf_counter()
        fn(i)
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds)


def main():
    location = tempfile.mkdtemp(prefix="joblib-memory-bench-")
    try:
        memory = Memory(location, verbose=0)
        hit = memory.cache(small)
        for key in range(HIT_KEYS):
            hit(key)
        median_per_call(HIT_WARMUPS, lambda i: hit(i % HIT_KEYS))
        hit_s = median_per_call(HIT_CALLS, lambda i: hit(i % HIT_KEYS))
        v = joblib.__version__
        print("python.joblib_%s.memory.local.hit_200_small_keys.median %.4g us"
              % (v, hit_s * 1e6))

        miss = memory.cache(one_millisecond)
        bare = median_per_call(MISS_CALLS, one_millisecond)
        counter = iter(range(1_000_000, 2_000_000))
        missed = median_per_call(MISS_CALLS, lambda i: miss(next(counter)))
        print("python.joblib_%s.memory.local.bare_1ms_fn.median %.4g us" % (v, bare * 1e6))
        print("python.joblib_%s.memory.local.miss_1ms_fn.median %.4g us" % (v, missed * 1e6))
        print("python.joblib_%s.memory.local.miss_overhead_1ms_fn.median %.4g us"
              % (v, (missed - bare) * 1e6))
    finally:
        shutil.rmtree(location, ignore_errors=True)


if __name__ == "__main__":
    main()

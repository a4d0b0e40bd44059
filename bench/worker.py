"""Run every workload of one library in this (fresh) process and write its JSON."""
import argparse
import importlib
import json
import platform
import sys
import traceback

from . import harness
from . import workloads as W


def _blas_info():
    try:
        import threadpoolctl
    except ImportError:
        return None
    keep = ("internal_api", "architecture", "num_threads", "version", "filepath")
    return [{k: i.get(k) for k in keep} for i in threadpoolctl.threadpool_info()]


def _plan(key, quick, share=1.0):
    """(budget seconds, min samples, warmup) for one workload; `share` scales the budget
    when the run is split into interleaved rounds."""
    # the long chains have fixed sample counts: about 6 and 9 over all rounds
    if key == "W3/1e6":
        return 0.0, 1 if quick else max(1, round(6 * share)), 0
    if key == "W3/1e5":
        return 0.0, 2 if quick else max(2, round(9 * share)), 1
    budget, samples, warmup = (0.4, 5, 3) if quick else (2.0, 7, 3)
    return budget * share, samples, warmup


def run(lib_name, threads, quick, only, share=1.0):
    out = {"lib": lib_name, "python": sys.version.split()[0], "executable": sys.executable,
           "platform": platform.platform(), "threads": threads, "cases": []}
    try:
        lib = importlib.import_module(f"bench.libs.{lib_name}")
        out["info"] = lib.setup(threads)
    except ImportError as e:
        out["skipped"] = f"not importable: {e}"
        return out
    out["blas"] = _blas_info()
    d = W.data()
    ref_lib = importlib.import_module("bench.libs.numpy")
    refs = {}

    def reference(key):
        if key not in refs:
            want = ref_lib.REFERENCE.get(key)
            for k, v, factory in ref_lib.cases():
                if k == key and (want is None or v == want):
                    step, result = factory(d)
                    step()
                    refs[key] = result()
                    break
        return refs[key]

    for key, variant, factory in lib.cases():
        if only and not any(key == o or key.startswith(o + "/") for o in only):
            continue
        case = {"workload": key, "variant": variant}
        print(f"  {lib_name} {key} [{variant}] ...", file=sys.stderr, flush=True)
        try:
            rtol = W.WORKLOADS[key][3]
            if key in ("W2", "W6", "W7"):   # the timed run keeps stepping; check one fresh step
                step, result = factory(d)
                step()
                case["check"] = harness.compare(result(), reference(key), rtol)
            budget, min_samples, warmup = _plan(key, quick, share)
            step, result = factory(d)
            case["timing"] = harness.measure(step, budget=budget, min_samples=min_samples,
                                             warmup=warmup)
            if key not in ("W2", "W6", "W7"):
                case["check"] = harness.compare(result(), reference(key), rtol)
        except Exception as e:              # a failing case is recorded, the rest still run
            case["error"] = f"{type(e).__name__}: {e}"
            case["traceback"] = traceback.format_exc(limit=6)
        out["cases"].append(case)
    return out


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("lib")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--only", default="")
    p.add_argument("--out", required=True)
    p.add_argument("--share", type=float, default=1.0, help="budget share (rounds)")
    a = p.parse_args(argv)
    only = [o for o in a.only.split(",") if o]
    res = run(a.lib, a.threads, a.quick, only, a.share)
    with open(a.out, "w") as f:
        json.dump(res, f, indent=1)


if __name__ == "__main__":
    main()

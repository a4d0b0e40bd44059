"""python -m bench: run every library in a fresh process, then write the report.

Libraries that are not importable with this interpreter are retried with the one named
by TAPEGRAD_BENCH_PYTHON (e.g. a separate venv holding jax and mygrad), and recorded as
skipped if that fails too.
"""
import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from . import report
from .libs import LIBS

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def _env(threads):
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
        env[var] = str(threads)
    env["XLA_FLAGS"] = (env.get("XLA_FLAGS", "") + " --xla_cpu_multi_thread_eigen=false"
                        f" intra_op_parallelism_threads={threads}").strip()
    env["JAX_PLATFORMS"] = "cpu"
    src = str(ROOT / "src")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), src] + (
        [env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    return env


def _run_lib(lib, python, args, env):
    out = RESULTS / f"{lib}.json"
    cmd = [python, "-m", "bench.worker", lib, "--threads", str(args.threads), "--out",
           str(out), "--only", args.only, "--share", str(1.0 / args.rounds)]
    if args.quick:
        cmd.append("--quick")
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env)
    if proc.returncode != 0 or not out.exists():
        return {"lib": lib, "skipped": f"worker exited with status {proc.returncode}",
                "cases": []}
    res = json.loads(out.read_text())
    res["wall_s"] = round(time.perf_counter() - t0, 1)
    res["date"] = time.strftime("%Y-%m-%d %H:%M:%S")
    return res


def _merge(rounds):
    """One result per library from its rounds: per case, the median of the round medians,
    the overall min and max, all samples counted; memory and checks from the first."""
    first = dict(rounds[0])
    if len(rounds) == 1 or first.get("skipped"):
        return first
    first["rounds"] = len(rounds)
    cases = []
    for k, case in enumerate(first.get("cases", [])):
        timings = [r["cases"][k]["timing"] for r in rounds
                   if k < len(r.get("cases", [])) and "timing" in r["cases"][k]]
        case = dict(case)
        if timings:
            t = dict(timings[0])
            meds = sorted(x["median_s"] for x in timings)
            t["median_s"] = meds[len(meds) // 2] if len(meds) % 2 else (
                (meds[len(meds) // 2 - 1] + meds[len(meds) // 2]) / 2)
            t["min_s"] = min(x["min_s"] for x in timings)
            t["max_s"] = max(x["max_s"] for x in timings)
            t["samples"] = sum(x["samples"] for x in timings)
            t["flagged"] = sum(x.get("flagged", 0) for x in timings)
            t["round_medians_s"] = meds
            case["timing"] = t
        checks = [r["cases"][k].get("check") for r in rounds if k < len(r.get("cases", []))]
        if any(c and not c.get("ok") for c in checks):
            case["check"] = next(c for c in checks if c and not c.get("ok"))
        cases.append(case)
    first["cases"] = cases
    first["wall_s"] = round(sum(r.get("wall_s", 0) for r in rounds), 1)
    return first


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--libs", default=",".join(LIBS), help="comma-separated subset")
    p.add_argument("--only", default="", help="workloads, e.g. W1,W3/1e4,W4")
    p.add_argument("--threads", type=int, default=1, help="threads for every library")
    p.add_argument("--quick", action="store_true", help="short budgets, no N=1e6 chain")
    # other tenants' load on a shared machine changes within minutes: more, shorter
    # rounds spread it over all libraries
    p.add_argument("--rounds", type=int, default=5,
                   help="interleaved rounds over the libraries (budgets are split)")
    p.add_argument("--report-only", action="store_true", help="rewrite docs from JSON")
    args = p.parse_args(argv)
    if args.quick and not args.only:
        args.only = "W1,W2,W3/1e4,W3/1e5,W4,W5"
    RESULTS.mkdir(parents=True, exist_ok=True)
    if not args.report_only:
        env = _env(args.threads)
        extra = os.environ.get("TAPEGRAD_BENCH_PYTHON")
        runs = {}
        python = {}
        # Rounds interleave the libraries so that a change in the machine's other load
        # falls on all of them, not on whichever ran at that moment; each round starts
        # one library later (a b c, b c a, c a b, ...), so that a steady drift within a
        # round does not always fall on the same library.
        libs = args.libs.split(",")
        for r in range(args.rounds):
            k = r % len(libs)
            for lib in libs[k:] + libs[:k]:
                print(f"[bench] {lib} (round {r + 1}/{args.rounds})", file=sys.stderr,
                      flush=True)
                res = _run_lib(lib, python.get(lib, sys.executable), args, env)
                if (res.get("skipped", "").startswith("not importable") and extra
                        and lib not in python):
                    print(f"[bench] {lib}: retrying with {extra}", file=sys.stderr,
                          flush=True)
                    python[lib] = extra
                    res = _run_lib(lib, extra, args, env)
                python.setdefault(lib, sys.executable)
                runs.setdefault(lib, []).append(res)
        for lib, rs in runs.items():
            (RESULTS / f"{lib}.json").write_text(json.dumps(_merge(rs), indent=1))
    results = []
    for lib in LIBS:
        f = RESULTS / f"{lib}.json"
        if f.exists():
            results.append(json.loads(f.read_text()))
    summary = report.summarize(results)
    (RESULTS / "summary.json").write_text(json.dumps(summary, indent=1))
    md = report.markdown(results, summary)
    (ROOT / "docs").mkdir(exist_ok=True)
    (ROOT / "docs" / "benchmarks.md").write_text(md)
    print(md)


if __name__ == "__main__":
    main()

"""Timing and memory measurement inside one worker process."""
import gc
import os
import resource
import time

import numpy as np

FLAG_CPU_RATIO = 0.8      # a sample whose CPU time is below 80% of wall time was preempted


def rss_kb(field="VmRSS"):
    """Resident memory (or its high-water mark with field='VmHWM') in KiB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def reset_peak():
    """Reset VmHWM to the current RSS (Linux clear_refs); False if not allowed."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def minor_faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def measure(step, *, budget, min_samples, max_samples=500, warmup=2):
    """Run `step` until `budget` seconds (and at least `min_samples`) and summarise.

    Each sample records wall time, process CPU time and the 1-minute load average; a
    sample whose CPU time falls well below its wall time was descheduled by another
    process and is flagged. Flagged samples are dropped when enough clean ones remain.
    """
    # peak memory counts from before the first step: what one step needs on top of its
    # inputs (the allocator keeps freed buffers, so later steps add nothing)
    gc.collect()
    base_rss = rss_kb()
    have_peak = reset_peak()
    for _ in range(warmup):
        step()
    gc.collect()
    faults0 = minor_faults()
    samples = []
    deadline = time.perf_counter() + budget
    while len(samples) < max_samples and (len(samples) < min_samples
                                          or time.perf_counter() < deadline):
        load = os.getloadavg()[0]
        c0, t0 = time.process_time(), time.perf_counter()
        step()
        t1, c1 = time.perf_counter(), time.process_time()
        samples.append((t1 - t0, c1 - c0, load))
    faults = minor_faults() - faults0
    peak = (rss_kb("VmHWM") - base_rss) * 1024 if have_peak else None
    wall = np.array([s[0] for s in samples])
    cpu = np.array([s[1] for s in samples])
    flagged = cpu < FLAG_CPU_RATIO * wall
    clean = ~flagged
    use = wall[clean] if clean.sum() >= max(1, min(3, len(wall) // 2)) else wall
    return {
        "median_s": float(np.median(use)),
        "min_s": float(use.min()),
        "max_s": float(use.max()),
        "samples": len(wall),
        "flagged": int(flagged.sum()),
        "dropped": int(len(wall) - len(use)),
        "noisy": bool(len(use) == len(wall) and flagged.any()),
        "load_max": float(max(s[2] for s in samples)),
        "peak_bytes": peak,
        "faults_per_step": faults / len(samples),
    }


def compare(got, ref, rtol):
    """Largest error of `got` against `ref`, relative to each reference array's scale."""
    worst = 0.0
    for k, r in ref.items():
        if k not in got:
            return {"ok": False, "error": f"missing result {k!r}"}
        g = np.asarray(got[k], dtype=np.float64)
        r = np.asarray(r, dtype=np.float64)
        if g.shape != r.shape:
            return {"ok": False, "error": f"{k}: shape {g.shape} != reference {r.shape}"}
        scale = max(np.abs(r).max(initial=0.0), 1e-30)
        worst = max(worst, float(np.abs(g - r).max(initial=0.0) / scale))
    return {"ok": bool(worst <= rtol), "max_rel_err": worst}

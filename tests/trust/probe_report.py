"""Print every finding of the trust probes as a table.

    .venv/bin/python tests/trust/probe_report.py            # findings that need a look
    .venv/bin/python tests/trust/probe_report.py --all      # every probe, CLEAR ones too
    .venv/bin/python tests/trust/probe_report.py --inputs   # only the bad-input sweep
    .venv/bin/python tests/trust/probe_report.py --alias    # only the aliasing sweep
    (--no-torch skips the value comparison against PyTorch, which needs a few seconds)

Bad-input sweep: callable, argument, hostile value, outcome (CLEAR / UNCLEAR / ACCEPTED;
ACCEPTED ones that the curated table calls legitimate say so), message (first 120
characters). Aliasing sweep: where, what was written or compared, how, outcome, detail;
it also runs values that leave the graph against finite differences, and optimizer
steps, schedules, clipping, layers and losses with their options against PyTorch.
"""
import collections
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from trust import _probe_lib as L  # noqa: E402


def main(argv):
    show_all = "--all" in argv
    inputs = "--alias" not in argv
    alias = "--inputs" not in argv
    t0 = time.perf_counter()
    if inputs:
        findings = L.run_all()
        artifacts = [f for f in findings if L.artifact_reason(f)]
        findings = [f for f in findings if not L.artifact_reason(f)]
        counts = collections.Counter(f.outcome for f in findings)
        legit = 0
        print(f"{'callable':32} {'argument':22} {'hostile value':16} {'outcome':9} message")
        for f in findings:
            reason = L.legit_reason(f)
            if f.outcome == L.ACCEPTED and reason:
                legit += 1
            if f.outcome == L.CLEAR and not show_all:
                continue
            if reason and not show_all:
                continue
            outcome = f"{f.outcome}" + (f" (legit: {reason})" if reason else "")
            msg = f"{f.etype}: {f.message}"[:120] if f.etype != "-" else ""
            print(f"{f.callable:32} {f.arg:22} {f.hostile:16} {outcome:9} {msg}")
        print()
        print(f"bad-input probes: {len(findings)}  " + "  ".join(
            f"{k}: {counts.get(k, 0)}" for k in (L.CLEAR, L.UNCLEAR, L.ACCEPTED))
            + f"  (of which accepted legitimately: {legit}); left out as probe artifacts "
            f"(the value goes to the user's own function): {len(artifacts)}")
    if alias:
        found = (L.write_probes() + L.numpy_operand_probes() + L.grad_sharing_probes()
                 + L.hook_probes() + L.graph_exit_probes() + L.source_probes())
        if "--no-torch" not in argv:
            try:
                found += L.inplace_probes() + L.view_probes() + L.torch_probes()
            except ImportError:
                pass
        counts = collections.Counter(f.outcome for f in found)
        print()
        print(f"{'where':36} {'what':14} {'how':22} {'outcome':18} detail")
        documented = 0
        for f in found:
            if f.outcome == L.SILENT and L.is_documented(f):
                documented += 1
                f.outcome = "documented"                # detach().numpy() is untracked
                counts[L.SILENT] -= 1
            if show_all or f.outcome in (L.SILENT, L.SETUP, "documented",
                                         L.TORCH_REFUSES) or (
                    f.how == "hook g.mul_" and f.outcome != L.OK_SAME):
                print(f)
        counts["documented (writable .numpy() of tensors without grad)"] = documented
        print()
        print(f"aliasing probes: {len(found)}  " + "  ".join(
            f"{k}: {v}" for k, v in sorted(counts.items())))
    print(f"({time.perf_counter() - t0:.1f} s)")


if __name__ == "__main__":
    main(sys.argv[1:])

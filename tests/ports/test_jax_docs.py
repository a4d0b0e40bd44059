"""JAX's documentation notebooks, written here in their style and ported by their import
lines alone (`import jax.numpy as jnp` -> `import tapegrad.numpy as jnp`, `from jax
import grad, jit, vmap` -> `from tapegrad import ...`, `import jax` -> `import tapegrad
as jax`): the quickstart, the autodiff cookbook, custom derivative rules, thinking in
JAX, stateful computations, pytrees, training a simple network (scikit-learn's digits
for MNIST), and advanced autodiff (stop_gradient's TD(0), a straight-through estimator,
per-example gradients, jax.checkpoint, jax.nn, jax.debug.print, tree_util.Partial), and
three programs in their style: an MLP from jax.nn.initializers trained by plain SGD on
shuffled minibatches (mlp_sgd), jax.linear_transpose with eval_shape (transpose), and a
data shuffler with permutation, choice and randint (data_shuffling). The programs are
the files in jax_docs/.

JAX (64-bit mode) ran the same files with the import lines switched back; the values
each program computes are stored in jax_docs_reference.json (`python
tests/ports/test_jax_docs.py --regenerate`, with JAX installed, writes it). Differences
on purpose, checked here separately: the gradient of a real function of a complex input
follows PyTorch's convention (the conjugate of JAX's), and a derivative JAX leaves NaN
where the function is smooth (x / (1 + sqrt(x)) at 0) comes out as its limit.
"""
import json
import re
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

try:
    from ._port import run
except ImportError:                     # run as a script, to regenerate with JAX
    run = None

DIR = Path(__file__).with_name("jax_docs")
REFERENCE = Path(__file__).with_name("jax_docs_reference.json")
_IMPORT = re.compile(r"^(\s*)(import|from) tapegrad\b")

# the values compared with JAX's, per program
KEYS = {
    "advanced_autodiff": ["delta_theta", "st_grad", "perex", "perex2", "J1", "gc", "g_remat",
                          "g_policy", "nn_values", "g_gelu", "partial_sum", "selected",
                          "g_cond", "v_aux", "g_aux", "g_norm"],
    "quickstart": ["selu_values", "derivative", "finite_differences", "third", "hess",
                   "batched", "per_example"],
    "cookbook": ["W", "b", "W_grad", "b_grad", "dict_grads", "loss_value", "J_fwd", "J_rev",
                 "H", "jvp_out", "vjp_out", "vgrad_out", "ans1", "ans2", "ans4", "mjp_vs",
                 "jmp_vs", "jac_ours", "branch_vjp", "holo_sin", "holo_chol"],
    "custom_derivatives": ["g_naive_100", "g_custom_100", "g_defjvps_100", "g_sqrt_custom",
                           "g_sqrt_defjvps", "y3", "sqrt_batch", "g_newton_sqrt",
                           "g_exact_sqrt", "g_app", "g_app2", "g_app_vjp", "g_sin_y",
                           "g_both", "g_branches", "g_foo", "g_point"],
    "thinking": ["y", "conv", "conv_lax", "normed", "negatives", "f1", "f2", "conds", "loop",
                 "g_loop", "scanned", "g_scan"],
    "stateful": ["jit_counts", "fitted", "sequence", "at_once", "vmapped", "uniform",
                 "split_data"],
    "pytrees": ["l0", "l1", "special_grads", "dc_grad", "transposed"],
    "simple_nn": ["preds", "batched_preds", "train_acc", "test_acc", "test_loss"],
    "mlp_sgd": ["initial_w0", "initial_b2", "epoch_losses", "step_losses", "final_w2",
                "predictions"],
    "transpose": ["doc_example", "matvec_transposed", "impulse_response", "vjp_by_transpose",
                  "vjp_direct", "tree_transposed", "shape_list"],
    "data_shuffling": ["epoch_orders", "bootstrap_means", "weighted_with", "weighted_without",
                       "minibatch_idx", "rows_shuffled", "cols_permuted", "big_perm_head"],
}


def jax_source(source):
    """The program as written for JAX: its tapegrad import lines pointed back at jax."""
    out = []
    for line in source.splitlines(keepends=True):
        if _IMPORT.match(line):
            line = line.replace("import tapegrad as jax", "import jax")
            line = line.replace("tapegrad", "jax")
        out.append(line)
    return "".join(out)


def plain(v):
    """A value as JSON: nested lists of numbers; complex numbers as [re, im]."""
    if isinstance(v, dict):
        return {k: plain(x) for k, x in sorted(v.items())}
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    a = np.asarray(v)
    if a.dtype.kind == "c":
        return np.stack([a.real, a.imag], axis=-1).tolist()
    return a.astype(float).tolist()


def _compare(name, key, ours, theirs, rtol):
    if isinstance(theirs, dict):
        assert sorted(ours) == sorted(theirs), f"{name}: {key}"
        for k in theirs:
            _compare(name, f"{key}[{k!r}]", ours[k], theirs[k], rtol)
        return
    if isinstance(theirs, list) and not _regular(theirs):
        assert len(ours) == len(theirs), f"{name}: {key}"      # a tuple of unlike leaves
        for k, (o, t) in enumerate(zip(ours, theirs)):
            _compare(name, f"{key}[{k}]", o, t, rtol)
        return
    np.testing.assert_allclose(np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float),
                               rtol=rtol, atol=1e-12, err_msg=f"{name}: {key}")


def _regular(v):
    """Whether nested lists make one rectangular array."""
    try:
        np.asarray(v, dtype=float)
    except (ValueError, TypeError):
        return False
    return True


def _run(name):
    with warnings.catch_warnings():
        # thinking.py prints traced values inside jit: tg.function warns and runs eagerly
        warnings.simplefilter("ignore")
        return run((DIR / f"{name}.py").read_text(), name)


@pytest.fixture(scope="module")
def reference():
    return json.loads(REFERENCE.read_text())


@pytest.mark.parametrize("name", sorted(KEYS))
def test_program_matches_jax(name, reference):
    ns, printed = _run(name)
    assert printed
    ref = reference[name]
    rtol = 1e-6 if name == "simple_nn" else 1e-9     # float32 images through training
    for key in KEYS[name]:
        _compare(name, key, plain(ns[key]), ref[key], rtol)


def test_cookbook_complex_gradients_follow_pytorch_convention(reference):
    ns, _ = _run("cookbook")
    # d|z|^2: PyTorch's conjugate Wirtinger convention gives 2z, JAX's its conjugate
    assert complex(ns["grad_sq_abs"].item()) == 6 + 8j
    assert complex(ns["grad_abs"].item()) == 1j
    # holomorphic derivatives agree (no convention involved)
    np.testing.assert_allclose(complex(ns["holo_sin"].item()), np.cos(3 + 4j), rtol=1e-12)


def test_custom_jvp_and_limits(reference):
    ns, printed = _run("custom_derivatives")
    # JAX's naive derivative of x / (1 + sqrt(x)) at 0 is NaN; the limit is 1
    assert float(ns["g_sqrt_naive"]) == 1.0
    assert float(ns["g_sqrt_custom"]) == 1.0
    np.testing.assert_allclose(float(ns["g_newton_sqrt"]), 0.5 / np.sqrt(2.0), rtol=1e-6)
    assert "x was" in printed            # the bwd rule ran (and printed) once


def test_quickstart_make_jaxpr_shows_the_traced_program():
    ns, printed = _run("quickstart")
    text = str(ns["jax"].make_jaxpr(ns["selu"])(ns["x"]))
    assert text.startswith("{ lambda ; a:f64[5]. let")
    assert "exp a" in text and text.rstrip().endswith("}")
    assert "a:f64[5]. let" in printed


def test_thinking_in_jax_jit_prints_and_static_args():
    ns, printed = _run("thinking")
    assert "Running f():" in printed
    assert ns["f"](np.ones((2, 3))).shape == (6,)


def test_mlp_logs_every_jitted_step_and_shuffles_like_jax():
    ns, printed = _run("mlp_sgd")
    assert len(ns["logged"]) == 20          # 5 epochs of 4 minibatches, one callback each
    assert "epoch 4: loss 0.148774" in printed
    ns, printed = _run("data_shuffling")
    assert "epoch 0: [0, 1, 0, 1, 1, 2, 0, 2, 2, 0]" in printed


def regenerate():
    """Run every program with JAX (64-bit) and store the values in KEYS."""
    import jax                          # only here: JAX writes the reference
    jax.config.update("jax_enable_x64", True)
    out = {}
    for name in sorted(KEYS):
        ns = {"__name__": f"jax_docs_{name}"}
        exec(compile(jax_source((DIR / f"{name}.py").read_text()), name, "exec"), ns)
        out[name] = {key: plain(ns[key]) for key in KEYS[name]}
        print(name, "done")
    REFERENCE.write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__" and "--regenerate" in sys.argv:
    regenerate()

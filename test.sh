#!/usr/bin/env bash
# The whole test suite (unit, property, reference-vs-PyTorch, docs and examples), then the
# engine and op tests again on the pure-Python paths that stand in for the C speedups,
# then a release check (scripts/check_release.sh: the sdist built, installed in a fresh
# venv and tested there), then the op table and the engine, front-end and packaging tests
# (C path) on the oldest and the newest supported Python (scripts/matrix.sh).
set -euo pipefail
cd "$(dirname "$0")"
# scripts/matrix.sh runs this script again with another venv's Python
py=${TAPEGRAD_TEST_PYTHON:-.venv/bin/python}
if [ -z "${TAPEGRAD_TEST_PYTHON:-}" ]; then
    scripts/setup.sh test  # adds the test oracles (PyTorch, sympy, ...)
fi
# two test processes share two cores: one BLAS thread each avoids oversubscription
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
if [ $# -eq 0 ] && [ -n "${TAPEGRAD_TEST_PYTHON:-}" ]; then
    # a matrix Python (scripts/matrix.sh): what differs between Pythons and NumPy
    # versions is the C speedups and NumPy's API, so it runs every op's rules (first
    # order and forward mode; the second-order sweep runs on .venv, C and pure), every
    # API.md name, every docstring example, and the engine and front-end tests; the rest
    # of the suite runs once, on .venv
    "$py" -m pytest -n 2 -p no:warnings tests/ops/test_rules.py tests/ops/test_op_form.py \
        tests/ops/test_broadcast.py tests/test_api_contract.py tests/test_docstring_examples.py \
        tests/test_engine.py tests/test_speedups.py tests/test_tensor_semantics.py \
        tests/test_numpy_front.py tests/test_numpy_names.py tests/test_np_sweep.py \
        tests/test_np_promotion.py tests/test_config.py tests/test_tape.py tests/test_func.py \
        tests/test_vmap.py tests/test_graph_mode.py tests/test_nn.py tests/test_optim.py \
        tests/test_checkpoint.py tests/test_complex.py tests/test_fft.py \
        tests/test_linalg_ops.py tests/trust/test_public_api_probes.py \
        -k "not test_gradgradcheck"
    exit 0
fi
"$py" -m pytest -n 2 "$@"
# the pure-Python pass runs once, on .venv's Python: the matrix Pythons (scripts/matrix.sh)
# run the list above on the C path only, which is what differs between Python versions
if [ $# -eq 0 ] && [ -z "${TAPEGRAD_TEST_PYTHON:-}" ]; then
    echo "--- again without the C speedups (TAPEGRAD_PURE_PYTHON=1)"
    # the op table's gradgradcheck runs once, on the C path above; the pure path's
    # second-order rules are held to the C path's bits by tests/ops/test_one_engine.py
    TAPEGRAD_PURE_PYTHON=1 "$py" -m pytest -n 2 tests/ops tests/test_engine.py \
        tests/test_core_edges.py tests/test_tensor_semantics.py tests/test_hooks.py \
        tests/test_anomaly.py tests/test_explain.py tests/test_tape.py tests/test_memory.py \
        tests/test_api_contract.py tests/test_speedups.py tests/test_graph_mode.py \
        tests/test_graph_mode_regressions.py tests/test_function_package.py tests/test_nn.py \
        tests/trust tests/test_one_runner.py tests/test_anomaly_fast.py \
        tests/test_numpy_front.py tests/test_numpy_names.py tests/test_np_sweep.py tests/test_np_misc.py tests/test_np_autograd_ops.py tests/test_tree.py \
        tests/test_custom_vjp.py tests/test_hvp_paths.py tests/test_examples_numpy.py tests/test_mathfns.py \
        tests/test_port_fixes.py tests/ports/test_h13_npports_fixes.py \
        tests/test_scan_sort.py tests/test_arrange.py tests/test_indexing.py \
        tests/test_linalg_ops.py tests/test_conv.py tests/test_vmap.py tests/test_vmap_round2.py tests/test_vmap_round3.py tests/test_vmap_round4.py tests/test_vmap_index.py tests/test_rnn.py \
        tests/test_attention.py tests/test_act_norm.py tests/test_fft.py tests/test_complex.py \
        tests/test_rnn_issue18.py tests/test_linalg_stability.py tests/test_np15.py \
        tests/test_complex_ops.py tests/test_complex_linalg.py tests/test_vmap_compose.py \
        tests/test_vmap_closed_over.py tests/test_linalg_eig.py tests/test_linalg_vmap.py \
        tests/test_np_promotion.py tests/test_np_banded.py tests/test_np_jnp.py tests/test_np_linalg_names.py \
        tests/test_probe_hostile.py tests/test_probe_round2.py tests/test_probe_round3.py tests/test_probe_round4.py \
        tests/test_complex_linalg2.py tests/test_torch_semantics3.py tests/test_jax_random.py tests/test_lax.py tests/test_np_jit_values.py tests/test_rnn_cells.py tests/test_extend.py tests/test_trace_transform_inputs.py \
        tests/test_torch_api_sweep.py tests/test_h13_vmapaudit_sweep.py tests/test_h13_vmapaudit.py \
        tests/test_h13_jaxrest_random.py tests/test_h13_jaxrest_debug.py tests/test_h13_jaxrest_transpose.py \
        tests/test_tf_semantics4.py tests/test_tf_semantics4_ops.py \
        tests/test_h13_torchedge_dtypes.py tests/test_h13_torchedge_extrema.py \
        tests/test_at_modes.py tests/test_lax_more.py tests/test_lax_dynamic_batched.py \
        tests/test_lax_lhs_dilation.py tests/test_vmap_raw_values.py \
        tests/test_h13_probe.py \
        -k "not test_gradgradcheck"
    # once per run, on .venv's Python (not again per matrix Python): about 2 minutes
    scripts/check_release.sh
    scripts/matrix.sh
fi

"""Run a tutorial program stored as text: as written (tapegrad imported under the
names the tutorial gives torch / tensorflow) or, to compare, with the import lines
switched back to PyTorch. Only lines that start with `import tapegrad` or
`from tapegrad` change."""
import contextlib
import io
import re

import pytest

_IMPORT = re.compile(r"^(\s*)(import|from) tapegrad\b")


def torch_source(source):
    """The same program with its tapegrad import lines pointing at torch."""
    out = []
    for line in source.splitlines(keepends=True):
        if _IMPORT.match(line):
            line = line.replace("tapegrad", "torch", 1)
        out.append(line)
    return "".join(out)


def run(source, name, lib="tapegrad"):
    """Execute the program; returns (namespace, printed text)."""
    if lib == "torch":
        torch = pytest.importorskip("torch")
        torch.set_num_threads(1)      # 2 shared cores: threads only add contention
        source = torch_source(source)
    ns = {"__name__": f"port_{lib}_{name}"}
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        exec(compile(source, f"<{name} ({lib})>", "exec"), ns)
    return ns, buf.getvalue()


def lines_with(text, prefix):
    return [ln for ln in text.splitlines() if ln.startswith(prefix)]

"""The README's commands and code are what users try first: keep them working."""
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_readme_python_blocks_run():
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks
    for i, code in enumerate(blocks):
        namespace = {}
        try:
            exec(compile(code, f"README.md block {i}", "exec"), namespace)
        except Exception as exc:                              # pragma: no cover
            raise AssertionError(f"README python block {i} failed: {exc!r}") from exc


def test_readme_starts_with_the_two_commands_and_ci_runs_the_test_one():
    text = (ROOT / "README.md").read_text()
    first = re.search(r"```bash\n(.*?)```", text, flags=re.S).group(1).splitlines()
    assert first[0].startswith("./demo.sh") and first[1].startswith("./test.sh")
    ci = (ROOT / ".ci" / "run").read_text()
    assert "exec ./test.sh" in ci
    assert (ROOT / "demo.sh").stat().st_mode & 0o111
    assert (ROOT / "test.sh").stat().st_mode & 0o111

"""Every code block in docs/ runs, so the docs cannot rot.

For each Markdown page under docs/ (English and Simplified Chinese):

* every ```python block runs, in page order, in one fresh namespace per page (later
  blocks see earlier names), with the working directory set to a temporary directory;
* a ```text block that directly follows a ```python block is that block's expected
  standard output, compared as doctest does with ELLIPSIS and NORMALIZE_WHITESPACE
  (so `...` stands for timings and paths that change from run to run);
* a block is skipped only when the line just above its fence is
  `<!-- skip-test: reason -->`; skips are counted and must match SKIPS_EXPECTED;
* every English page has a Chinese page at the mirrored path under docs/zh/ and vice
  versa, with identical code blocks (and expected outputs) in the same order;
* relative links and images resolve to files that exist.

Code is compiled with the Markdown file as its file name and its real line numbers, so a
traceback (and tapegrad's own "created at ..." messages) point into the page.
"""
import contextlib
import doctest
import io
import linecache
import os
import re
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
ZH = DOCS / "zh"

# Pages that are not part of the bilingual tutorial: written by a generator, owned elsewhere.
UNPAIRED = {"benchmarks.md"}   # bench/run.sh regenerates it from measurements
SKIPS_EXPECTED = 0             # raise only with a reason in the page's skip marker

FENCE = re.compile(r"^```(\w*)\s*$")
SKIP = re.compile(r"^<!--\s*skip-test:\s*(.*?)\s*-->\s*$")
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


@dataclass
class Block:
    lang: str
    code: str
    line: int              # 1-based line of the first code line in the file
    skip: str | None       # reason, if marked to skip
    output: str | None = None   # expected stdout (the ```text block right after)


def parse(path: Path) -> list[Block]:
    """The fenced blocks of a page; each python block carries the text block after it."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks, i = [], 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        lang, start = m.group(1), i + 1
        j = start
        while j < len(lines) and lines[j].rstrip() != "```":
            j += 1
        if j == len(lines):
            raise AssertionError(f"{path}:{i + 1}: unclosed code fence")
        prev = i - 1
        while prev >= 0 and not lines[prev].strip():
            prev -= 1
        skip = SKIP.match(lines[prev]) if prev >= 0 else None
        blocks.append(Block(lang, "\n".join(lines[start:j]) + "\n", start + 1,
                            skip.group(1) if skip else None))
        i = j + 1
    # attach each text block to the python block it directly follows
    out = []
    for b in blocks:
        if (b.lang == "text" and out and out[-1].lang == "python"
                and out[-1].output is None and _adjacent(lines, out[-1], b)):
            out[-1].output = b.code
            continue
        out.append(b)
    return out


def _adjacent(lines, first, second):
    """True when only blank lines separate the closing fence of `first` from `second`."""
    end = first.line - 1 + first.code.count("\n")     # index of the closing fence
    return all(not ln.strip() for ln in lines[end + 1:second.line - 2])


def python_blocks(path):
    return [b for b in parse(path) if b.lang == "python"]


def pages():
    return sorted(p for p in DOCS.rglob("*.md") if p.relative_to(DOCS).as_posix()
                  not in UNPAIRED)


def english_pages():
    return [p for p in pages() if ZH not in p.parents]


def chinese_pages():
    return [p for p in pages() if ZH in p.parents]


_checker = doctest.OutputChecker()
_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def run_page(path: Path):
    """Run a page's python blocks in one namespace; fail naming the page and block."""
    ns = {"__name__": "__docs__"}
    rel = path.relative_to(ROOT)
    filename = str(path)
    linecache.checkcache(filename)
    for n, block in enumerate(python_blocks(path), 1):
        if block.skip is not None:
            continue
        # pad so line numbers in tracebacks are the Markdown file's line numbers
        src = "\n" * (block.line - 1) + block.code
        buf = io.StringIO()
        try:
            code = compile(src, filename, "exec")
            with contextlib.redirect_stdout(buf):
                exec(code, ns)
        except BaseException as exc:                       # noqa: BLE001
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            tb = "".join(traceback.format_exception(exc))
            pytest.fail(f"{rel}: python block {n} (line {block.line}) raised "
                        f"{type(exc).__name__}: {exc}\n\nstdout so far:\n{buf.getvalue()}"
                        f"\n{tb}", pytrace=False)
        got = buf.getvalue()
        sys.stdout.write(got)
        if block.output is not None and not _checker.check_output(block.output, got,
                                                                   _FLAGS):
            pytest.fail(f"{rel}: python block {n} (line {block.line}) printed\n{got}\n"
                        f"but the page shows\n{block.output}", pytrace=False)


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    yield tmp_path


@pytest.mark.parametrize("path", pages(), ids=lambda p: p.relative_to(DOCS).as_posix())
def test_page_code_runs(path, in_tmp):
    import numpy as np
    import warnings

    import tapegrad as tg
    tg.manual_seed(0)
    # pages may call np.seterr or change warning filters; keep that from leaking out
    with np.errstate(), warnings.catch_warnings(), _one_blas_thread():
        run_page(path)


def _one_blas_thread():
    """Pages time small matmuls; a second BLAS thread on a busy 2-core machine makes them
    tens of times slower (test.sh sets OPENBLAS_NUM_THREADS=1; this covers plain pytest)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def test_docs_exist():
    assert (DOCS / "index.md").exists() and (ZH / "index.md").exists()
    assert len(english_pages()) >= 10


def test_every_page_has_a_translation():
    en = {p.relative_to(DOCS) for p in english_pages()}
    zh = {p.relative_to(ZH) for p in chinese_pages()}
    assert not en - zh, f"English pages without a Chinese page: {sorted(map(str, en - zh))}"
    assert not zh - en, f"Chinese pages without an English page: {sorted(map(str, zh - en))}"


@pytest.mark.parametrize("path", english_pages(),
                         ids=lambda p: p.relative_to(DOCS).as_posix())
def test_translation_has_the_same_code(path):
    twin = ZH / path.relative_to(DOCS)
    if not twin.exists():
        pytest.skip("no translation (reported by test_every_page_has_a_translation)")
    en, zh = python_blocks(path), python_blocks(twin)
    assert len(en) == len(zh), (f"{path.relative_to(DOCS)}: {len(en)} python blocks in "
                                f"English, {len(zh)} in Chinese")
    for n, (a, b) in enumerate(zip(en, zh), 1):
        assert a.code == b.code, f"{path.relative_to(DOCS)}: python block {n} differs"
        assert a.output == b.output, f"{path.relative_to(DOCS)}: output of block {n} differs"
        assert (a.skip is None) == (b.skip is None), f"block {n}: skip marker differs"


def test_skips_are_explained_and_counted():
    skips = [(p.relative_to(DOCS).as_posix(), n, b.skip) for p in pages()
             for n, b in enumerate(python_blocks(p), 1) if b.skip is not None]
    for page, n, reason in skips:
        assert reason, f"{page}: block {n} is skipped without a reason"
    assert len(skips) == SKIPS_EXPECTED, f"skipped blocks: {skips}"


@pytest.mark.parametrize("path", pages(), ids=lambda p: p.relative_to(DOCS).as_posix())
def test_links_resolve(path):
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"```.*?```", "", text, flags=re.S)        # links inside code are code
    for target in LINK.findall(text):
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            continue
        file, _, anchor = target.partition("#")
        dest = (path.parent / file).resolve()
        assert dest.exists(), f"{path.relative_to(DOCS)}: broken link {target}"
        if anchor and dest.suffix == ".md":
            assert anchor in _anchors(dest), f"{path.relative_to(DOCS)}: no anchor {target}"


def _anchors(page):
    """Explicit `id="..."` anchors and GitHub-style heading slugs of a page."""
    text = page.read_text(encoding="utf-8")
    ids = set(re.findall(r'id="([^"]+)"', text))
    for heading in re.findall(r"^#+\s+(.*)$", text, flags=re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        ids.add(slug)
    return ids


def test_parser_reads_skips_and_outputs(tmp_path):
    """The runner's own rules, on a small page: skip markers, attached output blocks."""
    page = tmp_path / "sample.md"
    page.write_text("# t\n\n```python\nprint(1)\n```\n\n```text\n1\n```\n\n"
                    "<!-- skip-test: needs a GPU -->\n```python\nraise SystemExit\n```\n\n"
                    "Some text.\n\n```text\nnot an output: text in between\n```\n",
                    encoding="utf-8")
    blocks = parse(page)
    assert [b.lang for b in blocks] == ["python", "python", "text"]
    assert blocks[0].output == "1\n" and blocks[0].line == 4 and blocks[0].skip is None
    assert blocks[1].skip == "needs a GPU" and blocks[1].output is None


@pytest.mark.parametrize("path", pages(), ids=lambda p: p.relative_to(DOCS).as_posix())
def test_every_fence_names_its_language(path):
    """An unnamed fence could hide Python code from the runner."""
    for b in parse(path):
        assert b.lang, f"{path.relative_to(DOCS)}:{b.line - 1}: fence without a language"


if __name__ == "__main__":
    # Regenerate files a page writes (e.g. the tutorial's graph pictures) into a directory:
    #   python tests/test_docs.py docs/tutorial/14-graph-pictures.md docs/img
    page, outdir = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    os.chdir(outdir)
    import tapegrad as tg
    tg.manual_seed(0)
    ns = {"__name__": "__docs__"}
    for block in python_blocks(page):
        if block.skip is None:
            exec(compile("\n" * (block.line - 1) + block.code, str(page), "exec"), ns)
    print(f"ran {page.relative_to(ROOT)} in {outdir}")


def test_the_layout_page_names_only_files_that_exist():
    """docs/architecture.md is the layout as the code is: every file or directory its
    tree names exists under src/tapegrad (the tree's second level is ops/ and autograd/)."""
    text = (DOCS / "architecture.md").read_text(encoding="utf-8")
    tree = text.split("```text", 1)[1].split("```", 1)[0]
    pkg = DOCS.parent / "src" / "tapegrad"
    missing, checked, sub = [], 0, None
    for line in tree.splitlines()[1:]:
        indent = len(line) - len(line.lstrip())
        words = line.split()
        if indent <= 2:
            sub = None
        for word in words:
            if not re.fullmatch(r"[\w*]+(\.py|\.c|/)", word):
                break               # the names come first, then the words about them
            if word.endswith("/") and indent == 2:
                sub = word
            base = pkg / (sub or "") if indent > 2 and sub else pkg
            target = (pkg / word) if word.endswith("/") and indent == 2 else base / word
            if not (list(target.parent.glob(target.name)) if "*" in word else target.exists()):
                missing.append(str(target.relative_to(pkg)))
            checked += 1
    assert checked > 50, f"only {checked} names read from the tree"
    assert not missing, f"docs/architecture.md names files that do not exist: {missing}"

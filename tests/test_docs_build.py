"""The documentation site builds with warnings as errors, and every page is in its
navigation.

docs/build.sh builds the whole site, API reference included; rendering a thousand
docstrings takes minutes, so this test builds the same configuration without the
mkdocstrings and autorefs plugins (the reference pages' `:::` lines stay plain text):
the navigation, docs/hooks.py, every tutorial and guide page in both languages and the
links between them are checked in about 15 s. Skipped when MkDocs is not installed
(the `docs` extra).
"""
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def _pages():
    """The Markdown pages of the site, as paths relative to docs/."""
    return sorted(p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md"))


def test_site_builds_strict_with_every_page_in_the_navigation():
    pytest.importorskip("mkdocs")
    pytest.importorskip("material")
    with tempfile.TemporaryDirectory() as d:
        config = Path(d) / "quick.yml"
        config.write_text(f"INHERIT: {ROOT / 'mkdocs.yml'}\n"
                          f"docs_dir: {DOCS}\n"
                          f"hooks: [{DOCS / 'hooks.py'}]\n"
                          "plugins:\n  - search:\n      lang: [en, zh]\n")
        site = Path(d) / "site"
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1",
                   PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "src"),
                                                            os.environ.get("PYTHONPATH")])))
        proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f",
                               str(config), "--site-dir", str(site)],
                              cwd=d, env=env, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        # a page left out of the navigation is only an INFO line for MkDocs
        assert "not included in the \"nav\"" not in proc.stderr, proc.stderr
        # the English home page's navigation links every English page, the Chinese
        # home page's every Chinese page
        nav_en = (site / "index.html").read_text(encoding="utf-8")
        nav_zh = (site / "zh" / "index.html").read_text(encoding="utf-8")
        for page in _pages():
            html = page[:-3] + ".html"
            if page.startswith("zh/"):
                assert f'href="{html[3:]}"' in nav_zh or page == "zh/index.md", page
            elif page != "index.md":
                assert f'href="{html}"' in nav_en, page

"""MkDocs hooks for the tapegrad site (mkdocs.yml `hooks:`).

- The "Tutorial" and "教程" sections list the tutorial pages present in docs/tutorial
  and docs/zh/tutorial, in file-name order, titled by each page's first heading: a
  page added by another branch (16-rnn.md, 17-distributed.md) joins the navigation
  without an edit to mkdocs.yml, and a page not there yet cannot fail the build.
- The tapegrad.distributed reference page is dropped while that module does not import.
- Pages under zh/ render with Material's Chinese interface strings and lang="zh"
  (search box, "table of contents", copy button, footer), and their API blocks with
  mkdocstrings' Chinese labels ("参数", "返回", ...); the rest stay English.
"""
import importlib.util
import pathlib
import re

DOCS = pathlib.Path(__file__).parent


def _tutorials(folder):
    out = []
    for path in sorted((DOCS / folder).glob("*.md")):
        text = path.read_text(encoding="utf-8")
        m = re.search(r"^# (.+)$", text, re.M)
        title = m.group(1).strip() if m else path.stem
        title = re.sub(r"^\d+\.\s*", "", title).replace("`", "")
        out.append({f"{path.stem[:2].lstrip('0')}. {title}": f"{folder}/{path.name}"})
    return out


def _has_distributed():
    try:
        return importlib.util.find_spec("tapegrad.distributed") is not None
    except ImportError:
        return False


def _fill(nav, keep_distributed):
    """Fill the empty tutorial sections; drop the distributed page if absent."""
    out = []
    for entry in nav:
        if isinstance(entry, dict):
            (title, value), = entry.items()
            if title == "Tutorial" and value == []:
                value = _tutorials("tutorial")
            elif title == "教程" and value == []:
                value = _tutorials("zh/tutorial")
            elif isinstance(value, list):
                value = _fill(value, keep_distributed)
            elif value.endswith("reference/distributed.md") and not keep_distributed:
                continue
            out.append({title: value})
        else:
            out.append(entry)
    return out


def on_config(config):
    config["nav"] = _fill(config["nav"], _has_distributed())
    return config


def on_files(files, config):
    if not _has_distributed():
        for path in ("reference/distributed.md", "zh/reference/distributed.md"):
            page = files.get_file_from_path(path)
            if page is not None:
                files.remove(page)
    return files


def _is_zh(page):
    return page.file.src_uri.startswith("zh/")


def on_page_markdown(markdown, page, config, files):
    # mkdocstrings reads its handlers' locale as it renders each ::: block; it has no
    # per-page setting, so the hook sets it (left alone if that attribute ever goes)
    handlers = getattr(config.plugins.get("mkdocstrings"), "handlers", None)
    if hasattr(handlers, "_locale"):
        handlers._locale = "zh" if _is_zh(page) else "en"
    return markdown


def on_page_context(context, page, config, nav):
    # theme.language is read when each page's template renders (partials/language.html),
    # so switching it here gives one site two interface languages
    config.theme["language"] = "zh" if _is_zh(page) else "en"
    return context


def on_post_page(output, page, config):
    config.theme["language"] = "en"      # 404.html and the other templates stay English
    return output

"""Griffe extension for the tapegrad site (mkdocs.yml, mkdocstrings `extensions:`).

Many docstrings end with a `>>>` session written flush left, outside a Google
"Examples:" section. Markdown would read it as a paragraph (and `[[1.0, 2.0]]` in the
output as a link reference), so each such session becomes a fenced `pycon` block.
Sessions inside an "Examples:" section are indented and left to the Google parser.

Inspection also hands a module constant (a dict table, a float such as `pi`, a str enum
member) the docstring of its type: "dict() -> new empty dictionary", "Convert a string
or number to a floating point number". Such a docstring says nothing about the constant,
so it is dropped and the constant shows with its value alone.
"""
import inspect

import griffe


def fence_sessions(text):
    """`text` with each flush-left `>>>` session (up to a blank line) fenced."""
    out, in_session = [], False
    for line in text.split("\n"):
        if not in_session and line.startswith(">>>"):
            out.append("```pycon")
            in_session = True
        elif in_session and not line.strip():
            out.append("```")
            in_session = False
        out.append(line)
    if in_session:
        out.append("```")
    return "\n".join(out)


def _type_doc(value):
    """The cleaned docstring of value's type, or None."""
    doc = getattr(type(value), "__doc__", None)
    return inspect.cleandoc(doc) if isinstance(doc, str) else None


class DoctestFences(griffe.Extension):
    def on_attribute_instance(self, *, node, attr, **kwargs):
        value = getattr(node, "obj", None)       # the runtime object (inspection only)
        doc = attr.docstring
        if value is not None and doc is not None and doc.value.strip() == _type_doc(value):
            attr.docstring = None

    def on_instance(self, *, obj, **kwargs):
        doc = obj.docstring
        if doc is not None and ">>>" in doc.value:
            doc.value = fence_sessions(doc.value)

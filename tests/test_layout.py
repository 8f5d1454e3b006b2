"""The rooms' import rules (STYLE.md), checked on the source with ``ast``: an import-linter.

Every import counts, including those inside functions.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GRAPH_MAY_IMPORT = {"networkx", "igraph", "rustworkx", "numpy", "scipy", "graph"}
# app/ assembles the application in these two modules, and may import api/ and web/ there.
ASSEMBLERS = {"app/main.py", "app/cli.py"}


def sources(room: str) -> list[Path]:
    return sorted((ROOT / room).rglob("*.py"))


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, top-level package) of every absolute import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            found.append((node.lineno, node.module.split(".")[0]))
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", None) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            found.append((node.lineno, str(node.args[0].value).split(".")[0]))
    return sorted(found)


def breaches(room: str, allowed) -> list[str]:
    out = []
    for path in sources(room):
        rel = path.relative_to(ROOT).as_posix()
        out += [
            f"{rel}:{line} imports {name}" for line, name in imports(path) if not allowed(rel, name)
        ]
    return out


def test_the_rooms_exist():
    for room in ("app", "api", "web", "graph"):
        assert sources(room), room


def test_graph_imports_only_the_standard_library_and_the_graph_engines():
    def allowed(_, name):
        return name in sys.stdlib_module_names or name in GRAPH_MAY_IMPORT or name == "__future__"

    assert breaches("graph", allowed) == []


@pytest.mark.parametrize("room,forbidden", [("api", "web"), ("web", "api")])
def test_api_and_web_never_import_each_other(room, forbidden):
    assert breaches(room, lambda _, name: name != forbidden) == []


def test_app_imports_api_and_web_only_where_it_assembles_them():
    def allowed(rel, name):
        return name not in ("api", "web") or rel in ASSEMBLERS

    assert breaches("app", allowed) == []


def test_the_checker_sees_imports_inside_functions(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from __future__ import annotations\n"
        "import os.path\n"
        "from . import sibling\n"
        "def f():\n"
        "    from fastapi import FastAPI\n"
        "    import importlib\n"
        "    return importlib.import_module('sqlmodel.main')\n"
    )
    assert imports(sample) == [
        (1, "__future__"),
        (2, "os"),
        (5, "fastapi"),
        (6, "importlib"),
        (7, "sqlmodel"),
    ]

"""graph/ stays pure (STYLE.md): networkx, its compiled engines, numpy/scipy and the standard
library only; no web framework, ORM, pyvis or application code."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

GRAPH = Path(__file__).resolve().parents[2] / "graph"
ALLOWED = {"networkx", "igraph", "rustworkx", "numpy", "scipy", "graph"}


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", sorted(GRAPH.glob("*.py")), ids=lambda p: p.name)
def test_graph_module_imports_only_allowed_packages(path):
    foreign = {m for m in imported(path) if m not in ALLOWED and m not in sys.stdlib_module_names}
    assert foreign == set(), f"{path.name} imports {sorted(foreign)}"

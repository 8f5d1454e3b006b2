"""Every third-party package the service imports is declared in pyproject's main dependencies.

The README's first command installs only those (no test extras), so an undeclared import would
work in the test environment and fail for a user running the service.
"""

from __future__ import annotations

import ast
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROOMS = ("app", "graph", "api", "web")
# import name -> distribution name, where they differ
DISTRIBUTION = {
    "argon2": "argon2-cffi",
    "swagger_ui_bundle": "swagger-ui-bundle-v2",
    "typing_extensions": "typing-extensions",
    "pydantic_settings": "pydantic-settings",
    "starlette": "fastapi",  # FastAPI is built on it and pins it
}


def _imports() -> set[str]:
    names: set[str] = set()
    for room in ROOMS:
        for path in (ROOT / room).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names.update(a.name.split(".")[0] for a in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - set(ROOMS)


def test_every_import_is_a_declared_dependency():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    declared = {
        dep.split("[")[0].split(">")[0].split("<")[0].split("=")[0].strip().lower()
        for dep in meta["project"]["dependencies"]
    }
    missing = sorted(
        name for name in _imports() if DISTRIBUTION.get(name, name).lower() not in declared
    )
    assert missing == []

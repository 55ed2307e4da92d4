"""Projects and organisations are low layers: their code imports nothing of the apps built on them (their
tests may build state with any app)."""

import ast
from pathlib import Path

import pytest

import jixiao

ROOT = Path(jixiao.__file__).parent
ALLOWED = {
    "organisations": {"audit", "core", "organisations"},
    "projects": {"audit", "core", "organisations", "projects"},
}


def imported_apps(path: Path) -> set[str]:
    """The jixiao apps a module imports (absolute imports; this code base uses no relative ones)."""
    apps = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        apps |= {name.split(".")[1] for name in names if name.startswith("jixiao.") and name.count(".")}
    return apps


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_low_apps_do_not_import_higher_ones(app):
    reaching_up = {
        str(path.relative_to(ROOT)): sorted(imported_apps(path) - ALLOWED[app])
        for path in sorted((ROOT / app).rglob("*.py"))
        if "tests" not in path.relative_to(ROOT / app).parts
    }
    assert {module: apps for module, apps in reaching_up.items() if apps} == {}

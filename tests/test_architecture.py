"""The package's plan holds: each sub-package imports only what its docstring's "May import:" line
allows, and no modules import each other in a circle."""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "bantin"


def _packages() -> dict[str, set[str]]:
    """Sub-package -> the sub-packages it may import, from the "May import:" line of its docstring."""
    allowed = {}
    for init in sorted(PACKAGE.glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        found = re.search(r"May import: (.+?)\.\s*$", doc, re.S)
        assert found, f"{init.relative_to(REPO)}: the docstring must end with 'May import: ...'"
        words = found.group(1).replace("\n", " ")
        names = {re.sub(r"\s*\(.*?\)", "", part).strip() for part in words.split(",")}
        allowed[init.parent.name] = names
    return allowed


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every bantin module a file imports, at any depth of its code."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "bantin":
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                is_module = (REPO / Path(*candidate.split("."))).with_suffix(".py").exists() \
                    or (REPO / Path(*candidate.split(".")) / "__init__.py").exists()
                found.add(candidate if is_module else node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.split(".")[0] == "bantin")
    return found


def _graph() -> dict[str, set[str]]:
    return {_module_name(path): _imports(path) for path in sorted(PACKAGE.rglob("*.py"))}


def test_every_package_says_what_it_may_import_and_keeps_to_it():
    allowed = _packages()
    assert {"language", "project", "content", "builder", "search", "photos", "cli"} <= set(allowed)
    known = set(allowed) | {"every package", "nothing else of bantin"}
    for package, names in allowed.items():
        assert names <= known, f"bantin/{package}: 'May import' names an unknown package: {names - known}"
    wrong = []
    for module, imported in _graph().items():
        parts = module.split(".")
        if len(parts) < 3:
            continue  # bantin/__init__.py, bantin/__main__.py: the package's face
        package = parts[1]
        may = allowed[package]
        for target in imported:
            other = target.split(".")
            if len(other) < 2 or other[1] in ("__version__", package) or "every package" in may:
                continue
            if other[1] not in may:
                wrong.append(f"{module} imports {target} (bantin/{package} may import: {', '.join(sorted(may))})")
    assert not wrong, "imports against the plan:\n" + "\n".join(sorted(wrong))


def test_the_allowed_directions_have_no_circle():
    packages = _packages()
    allowed = {package: {n for n in names if n in packages} for package, names in packages.items()
               if "every package" not in names}
    assert _cycle(allowed) is None, f"the packages' plan has a circle: {_cycle(allowed)}"


def test_no_modules_import_each_other_in_a_circle():
    imports = _graph()
    graph = {module: {t for t in targets if t in imports} for module, targets in imports.items()}
    circle = _cycle(graph)
    assert circle is None, f"modules import each other in a circle: {' -> '.join(circle)}"


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One circle of the directed graph, as a path that returns to its start, or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_check_sees_an_import_against_the_plan(tmp_path):
    """The check itself can fail: a language module importing the build is found."""
    module = tmp_path / "probe.py"
    module.write_text("from bantin.builder.pipeline import build\nimport bantin.content.model\n", encoding="utf-8")
    assert _imports(module) == {"bantin.builder.pipeline", "bantin.content.model"}
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None

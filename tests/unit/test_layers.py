"""Dependencies run one way: actions -> ops -> adapters -> nlu -> core -> settings.

The domain core is imported for real, each module in a fresh interpreter, and must not load Rasa,
the Rasa SDK, SQLAlchemy (only the order store under `bot/core/orders/` may), aiohttp or any
outer layer. The direction between the project's own packages is read from the source (every
`import` statement, also those inside functions), which is fast and names the offending line.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT

# what the domain core must never load, whoever imports it
FOREIGN_TO_CORE = (
    "rasa",
    "rasa_sdk",
    "sanic",
    "aiohttp",
    "sqlalchemy",
    "bot.nlu",
    "bot.adapters",
    "bot.ops",
    "actions",
)
ORDER_STORE = "bot.core.orders"  # the order store is the one part of the core built on SQLAlchemy
# layer -> the project packages it may import (itself included)
ALLOWED = {
    "bot.settings": ("bot.settings",),
    "bot.core": ("bot.settings", "bot.core"),
    "bot.nlu": ("bot.settings", "bot.core", "bot.nlu"),
    "bot.adapters": ("bot.settings", "bot.core", "bot.adapters"),
    "bot.ops": ("bot.settings", "bot.core", "bot.nlu", "bot.adapters", "bot.ops"),
    "actions": ("bot.settings", "bot.core", "bot.adapters.turns", "actions"),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(package: str) -> list[str]:
    return sorted(module_name(path) for path in (PROJECT_ROOT / package.replace(".", "/")).rglob("*.py"))


def within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


def loaded_by(module: str) -> set[str]:
    """The modules a fresh interpreter holds after importing `module`."""
    probe = f"import json, sys; import {module}; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout.splitlines()[-1]))


CORE_MODULES = [m for m in modules("bot/core") if not m.endswith("__main__")]


def test_the_core_imports_no_rasa_no_web_and_no_outer_layer():
    with ThreadPoolExecutor(max_workers=4) as pool:
        loaded = dict(zip(CORE_MODULES, pool.map(loaded_by, CORE_MODULES)))
    wrong = {}
    for module, names in loaded.items():
        foreign = FOREIGN_TO_CORE
        if within(module, (ORDER_STORE,)):
            foreign = tuple(f for f in foreign if f != "sqlalchemy")
        found = sorted({f for f in foreign for name in names if within(name, (f,))})
        if found:
            wrong[module] = found
    assert wrong == {}, f"core modules that load what the core must not: {wrong}"
    assert len(loaded) >= 15  # the walk found the core (a wrong path would make this test pass vacuously)


def project_imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import of a project module in `path`, relative ones resolved."""
    package = module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else module_name(path)
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else [])
                )
            found += [(node.lineno, f"{base}.{alias.name}" if alias.name != "*" else base) for alias in node.names]
    return [(line, name) for line, name in found if within(name, ("bot", "actions"))]


def layer_of(module: str) -> str:
    return max((layer for layer in ALLOWED if within(module, (layer,))), key=len)


@pytest.mark.parametrize("layer", ALLOWED)
def test_each_layer_imports_only_the_layers_below_it(layer):
    files = (
        [PROJECT_ROOT / "bot" / "settings.py"]
        if layer == "bot.settings"
        else [path for path in (PROJECT_ROOT / layer.replace(".", "/")).rglob("*.py")]
    )
    assert files
    wrong = [
        f"{path.relative_to(PROJECT_ROOT)}:{line} imports {name}"
        for path in files
        for line, name in project_imports(path)
        if not within(name, ALLOWED[layer_of(module_name(path))]) and name != "bot"
    ]
    assert wrong == []

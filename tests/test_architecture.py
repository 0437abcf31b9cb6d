"""Project rules that keep the code honest: the domain has no UI, data text is never HTML, words are explained."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from metrics.outputs.glossary import ACRONYMS, ANNEX_A_RULES, TERMS
from metrics.snapshot.reading import REPOSITORY_DATA_DIR, read_snapshot_folder

ROOT = Path(__file__).resolve().parent.parent
UI_FILES = [
    ROOT / "streamlit_app.py",
    *sorted((ROOT / "pages").glob("*.py")),
    *sorted((ROOT / "ui").glob("*.py")),
    ROOT / "metrics" / "outputs" / "charts.py",
    ROOT / "metrics" / "outputs" / "narrative.py",
    ROOT / "metrics" / "outputs" / "report.py",
]
ACRONYM = re.compile(r"\b(?:[A-Z]{2,}[0-9]*|S47)\b")
NOT_ACRONYMS = {
    "CSV",
    "PNG",
    "SVG",
    "URL",
    "HTML",
    "OK",
    "YYYY",
    "MM",
    "DD",
    "II",
    "UTF",
    "XSRF",
    "TLS",
    "UK",
    "MS",
    "ID",
    "NFKC",
    "GB",
}  # NFKC: a Unicode form name in code; GB: in the language code en-GB; MS: pandas' month-start code


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_metrics_never_imports_streamlit_or_the_ui():
    offenders = [path.name for path in (ROOT / "metrics").rglob("*.py") if {"streamlit", "ui"} & imports(path)]
    assert offenders == []


def test_html_only_from_the_module_that_escapes_it():
    """Markdown never takes HTML; the only HTML the app draws is ui/html.py's, which escapes every piece of
    data text (tests/test_html.py feeds it hostile text)."""
    for path in UI_FILES:
        text = path.read_text()
        assert "unsafe_allow_html" not in text, path
        assert ("st.html(" in text) == (path.name == "html.py" and path.parent.name == "ui"), path


def strings_shown(path: Path) -> list[str]:
    """String literals in a UI file (what the pages can show), docstrings left out."""
    tree = ast.parse(path.read_text())
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.Module | ast.ClassDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def test_every_acronym_the_app_shows_is_in_the_glossary():
    snapshot = read_snapshot_folder(REPOSITORY_DATA_DIR / "snapshots" / "2022-02-10")
    texts = [text for path in UI_FILES for text in strings_shown(path)]
    texts += list(snapshot.indicators["name"]) + list(snapshot.indicators["definition"])
    texts += list(snapshot.table("commentary")["text"]) + list(TERMS.values()) + list(ANNEX_A_RULES.values())
    used = {match for text in texts for match in ACRONYM.findall(text)} - NOT_ACRONYMS
    missing = sorted(used - set(TERMS))
    assert missing == []
    assert set(ACRONYMS) <= set(TERMS)


def test_the_glossary_has_every_term_the_service_uses():
    required = {
        "MASH",
        "EHA",
        "CIN",
        "CP",
        "CLA",
        "Children in care",
        "S47",
        "ICPC",
        "RAG",
        "SPC",
        "Annex A",
        "ChAT",
        "LAIT",
        "IRO",
        "UASC",
        "EET",
        "Statistical neighbours",
        "Working days",
        "Direction of travel",
        "Suppression",
    }
    assert required <= set(TERMS)


def test_every_demo_indicator_has_a_definition():
    snapshot = read_snapshot_folder(REPOSITORY_DATA_DIR / "snapshots" / "2022-02-10")
    definitions = snapshot.indicators.set_index("indicator_id")["definition"]
    assert definitions.notna().all() and (definitions.str.len() > 20).all()


# Cached loaders that hold no figures of either audience (folder listings, snapshot checks), or the
# workers' own rows, which only _internal_caseloads hands out, and only to the internal audience.
AUDIENCE_FREE_LOADERS = {"snapshot_folders", "_survey", "_worker_caseloads"}


def cached_functions(path: Path) -> list[ast.FunctionDef]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef)
        and any("cache_" in ast.unparse(decorator) for decorator in node.decorator_list)
    ]


def test_every_cache_is_keyed_by_the_audience():
    """A cache shared by every session must take the audience as an argument, or hold nothing of it."""
    loaders = cached_functions(ROOT / "ui" / "loaders.py") + cached_functions(ROOT / "ui" / "display.py")
    assert len(loaders) > 10
    for function in loaders:
        arguments = [argument.arg for argument in function.args.args]
        # cache_key is the frame's (data root, snapshot, audience)
        assert {"audience", "cache_key"} & set(arguments) or function.name in AUDIENCE_FREE_LOADERS, function.name
    for path in [ROOT / "streamlit_app.py", *sorted((ROOT / "pages").glob("*.py"))]:
        assert cached_functions(path) == [], f"{path.name} caches on its own; add a loader to ui/loaders.py"
        assert "memo(" not in path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("ci", "outcome"),
    [
        ("true", pytest.fail.Exception),
        ("1", pytest.fail.Exception),
        ("", pytest.skip.Exception),
        ("false", pytest.skip.Exception),
    ],
)
def test_something_a_test_needs_that_is_missing_fails_ci_and_is_skipped_elsewhere(monkeypatch, ci, outcome):
    from tests.helpers import missing

    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match="chromium"):
        missing("/usr/bin/chromium is missing")


@pytest.mark.parametrize("command", [["check", "."], ["format", "--check", "."]], ids=["check", "format"])
def test_ruff_is_clean(command):
    """The code stays as ruff checks and formats it (pyproject.toml holds its settings)."""
    ruff = shutil.which("ruff")
    assert ruff, "ruff is in requirements-dev.txt"
    finished = subprocess.run([ruff, *command], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert finished.returncode == 0, finished.stdout + finished.stderr


# metrics/ in layers, lowest first: a package imports only from its own and those before it.
LAYERS = (
    "core",
    "snapshot",
    "annex_a",
    "disclosure",
    "comparators",
    "rating",
    "prepare",
    "plan",
    "outputs",
    "publishing",
    "demo",
)
COMMANDS = "commands"  # above every layer: they parse arguments and call the library
METRICS = ROOT / "metrics"


def metrics_modules() -> dict[str, Path]:
    """Every module of metrics/ by its dotted name (a package by its __init__)."""
    found = {}
    for path in METRICS.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def metrics_imports(path: Path, modules: dict[str, Path], top_level_only: bool = False) -> set[str]:
    """The modules of metrics/ a file imports (`from metrics.rating import spc` names metrics.rating.spc)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    named = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            named |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            named |= {
                f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in modules else node.module
                for alias in node.names
            }
    return {name for name in named if name in modules or name.split(".")[0] == "metrics"}


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in (*LAYERS, COMMANDS)) else None


def test_every_module_of_metrics_is_in_a_layer_or_is_a_command_entry():
    for module, path in metrics_modules().items():
        layer = layer_of(module)
        if layer is None or path.name == "__main__.py":  # metrics/ingest.py and friends: the commands' names
            assert path.name == "__main__.py" or module == "metrics" or "if __name__ ==" in path.read_text(), module
        else:
            assert layer in (*LAYERS, COMMANDS), f"{module} is in no layer: add its package to LAYERS"


def test_no_module_imports_a_layer_above_its_own():
    modules = metrics_modules()
    order = {layer: rank for rank, layer in enumerate((*LAYERS, COMMANDS))}
    offences = []
    for module, path in modules.items():
        layer = layer_of(module)
        for imported in metrics_imports(path, modules):
            assert imported in modules, f"{module} imports {imported}, which is not a module of metrics"
            if layer is None or path.name == "__main__.py":
                if layer_of(imported) != COMMANDS:
                    offences.append(f"{module} (a command's name) imports {imported}, not its command")
            elif layer_of(imported) is None or order[layer_of(imported)] > order[layer]:
                offences.append(f"{module} ({layer}) imports {imported}")
    assert offences == []


def test_no_import_cycles_among_the_modules_of_metrics():
    """Imports at a module's top level only (one inside a function runs when it is called, not on import)."""
    modules = metrics_modules()
    graph = {module: metrics_imports(path, modules, top_level_only=True) for module, path in modules.items()}
    for module in modules:  # importing a.b.c runs a/__init__ and a/b/__init__ first
        graph[module] |= {".".join(module.split(".")[:n]) for n in range(1, module.count(".") + 1)} & set(modules)
    state, cycles = {}, []

    def visit(module, trail):
        state[module] = "open"
        for imported in sorted(graph[module]):
            if state.get(imported) == "open":
                cycles.append(" -> ".join([*trail[trail.index(imported) :], imported]))
            elif imported not in state:
                visit(imported, [*trail, imported])
        state[module] = "done"

    for module in sorted(modules):
        if module not in state:
            visit(module, [module])
    assert cycles == []

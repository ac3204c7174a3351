"""The dependency rules of sim/ (README, "Layout"): which part may import which, and no import
cycle. Read from the source (every import statement, also those inside functions), so a rule
broken anywhere fails here."""

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "sim"
LEAVES = {"sim.errors", "sim.interrupts", "sim.forking", "sim.core.protocol", "sim._twins", "sim.progress", "sim.analytic",
          "sim.analytic_blending", "sim.analytic_erlang_x", "sim.analytic_special"}  # import nothing of sim (but the other analytic modules)
ANALYTIC = {"sim.analytic", "sim.analytic_blending", "sim.analytic_erlang_x",
            "sim.analytic_special"}  # the formulas (and SciPy's functions they use): one family in four files


def layer(module: str) -> str:
    if module in LEAVES:
        return "leaf"
    parts = module.split(".")
    if len(parts) >= 2 and parts[1] in ("model", "policies", "agents", "core", "kpi", "experiments", "reports", "planning", "ui"):
        return parts[1]
    return module  # the top-level modules: sim, sim.simulate, sim.cli


ALLOWED = {
    "leaf": set(),
    "model": {"leaf", "model", "sim.policies.staffing", "sim.policies.registry"},  # validation uses the staffing policies
    "policies": {"leaf", "model", "policies"},
    "agents": {"leaf", "model", "agents"},
    "core": {"leaf", "model", "policies", "agents", "core"},
    "kpi": {"leaf", "model", "kpi", "sim.core.records"},
    "experiments": {"leaf", "model", "kpi", "experiments", "reports", "sim.simulate"},
    "reports": {"leaf", "model", "kpi", "reports", "sim.simulate"},
    # staffing plans: requirements, the optimiser's simulations, shift scheduling (issue 13)
    "planning": {"leaf", "model", "policies", "kpi", "experiments", "reports", "planning", "sim.simulate"},
    # the trainers' what-if page (issue 15); nothing imports it
    "ui": {"leaf", "model", "kpi", "experiments", "reports", "ui", "sim.simulate"},
    "sim.simulate": {"leaf", "model", "core", "kpi"},
    "sim": {"leaf", "sim.simulate"},
    "sim.cli": {"leaf", "model", "experiments", "reports", "planning"},
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, top_level_only: bool = False):
    """The sim modules a file imports (``from sim.x import y`` counts sim.x.y when that is a module)."""
    tree = ast.parse(path.read_text())
    nodes = tree.body if top_level_only else ast.walk(tree)
    for node in nodes:
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name == "sim" or a.name.startswith("sim."))
        elif isinstance(node, ast.ImportFrom) and node.module and (node.module == "sim" or node.module.startswith("sim.")):
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                yield candidate if candidate in MODULES else node.module


FILES = {module_name(p): p for p in ROOT.rglob("*.py")}
MODULES = set(FILES)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_module_imports_only_what_its_layer_may(module):
    mine = layer(module)
    allowed = ALLOWED[mine]
    for target in imports(FILES[module]):
        if target == "sim" and mine != "sim":
            pytest.fail(f"{module} imports the package root (import the module itself)")
        ok = layer(target) in allowed or target in allowed or layer(target) == mine and mine != "leaf"
        ok = ok or {module, target} <= ANALYTIC
        ok = ok or (module, target) == ("sim.analytic_special", "sim.forking")  # its helper forks as the other children do
        assert ok, f"{module} ({mine}) imports {target} ({layer(target)}); allowed: {sorted(allowed)}"


def test_no_import_cycle_at_module_level():
    graph = defaultdict(set)
    for module, path in FILES.items():
        for target in imports(path, top_level_only=True):
            if target in MODULES and target != module:
                graph[module].add(target)
    state = {}

    def visit(module, path):
        state[module] = "open"
        for target in sorted(graph[module]):
            if state.get(target) == "open":
                pytest.fail("import cycle: " + " -> ".join(path + [module, target]))
            if target not in state:
                visit(target, path + [module])
        state[module] = "done"

    for module in sorted(MODULES):
        if module not in state:
            visit(module, [])


def test_every_module_says_what_it_is_for_and_stays_small():
    for module, path in FILES.items():
        tree = ast.parse(path.read_text())
        if path.name != "__init__.py" or tree.body:
            assert ast.get_docstring(tree), f"{module} has no docstring"
        assert len(path.read_text().splitlines()) <= 420, f"{module} is over 420 lines"

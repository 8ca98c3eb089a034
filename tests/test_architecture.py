"""The package's shape (ARCHITECTURE.md): folders as layers, imports only down."""

import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "keras_gan"
CORE = (
    "gan",
    "losses",
    "penalties",
    "augment",
    "ema",
    "noise",
    "sampling",
    "signatures",
)
# Higher layers may import lower ones, never the reverse; one layer's folders
# do not import each other.
LAYERS = {
    "utils": 0,
    "backend": 1,
    "data": 2,
    "optimizers": 2,
    **{name: 3 for name in CORE},
    "networks": 4,
    "training": 5,
    "export": 5,
    "evaluation": 6,
    "cli": 7,
}


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts), path


MODULES = dict(_modules())


def _imports(path, *, top_level_only=False):
    """The keras_gan modules ``path`` imports (``from a import b``: a.b if a module)."""
    tree = ast.parse(path.read_text())
    nodes = tree.body if top_level_only else ast.walk(tree)
    found = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                name = f"{node.module}.{alias.name}"
                found.add(name if name in MODULES else node.module)
    return {name for name in found if name.split(".")[0] == "keras_gan"}


def _folder(module):
    """The concept ``module`` belongs to: its folder, or the core."""
    name = module.split(".")[1]
    return "core" if name in CORE else name


def _layer(module):
    parts = module.split(".")
    return None if len(parts) == 1 else LAYERS[parts[1]]


def test_every_module_belongs_to_a_layer():
    unknown = {m for m in MODULES if m != "keras_gan" and m.split(".")[1] not in LAYERS}
    assert not unknown


def test_the_package_root_holds_the_core_and_folders_only():
    files = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__"}
    assert files == set(CORE)
    folders = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert folders == set(LAYERS) - set(CORE)


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m != "keras_gan"))
def test_imports_point_down(module):
    upward = [
        imported
        for imported in _imports(MODULES[module])
        if imported != "keras_gan"
        and _folder(imported) != _folder(module)
        and _layer(imported) >= _layer(module)
    ]
    assert not upward, f"{module} imports {upward} from its own layer or above"


def test_the_core_imports_nothing_above_it():
    above = ("networks", "training", "export", "evaluation", "cli")
    for name in CORE:
        imported = _imports(MODULES[f"keras_gan.{name}"])
        assert not [m for m in imported if m.split(".")[1] in above], name


def _with_parents(modules):
    """Importing ``a.b.c`` runs the ``__init__`` of ``a.b`` first."""
    found = set(modules)
    for module in modules:
        parts = module.split(".")
        found |= {".".join(parts[:end]) for end in range(2, len(parts))}
    return found & set(MODULES)


def test_there_is_no_import_cycle():
    graph = {
        module: _with_parents(_imports(path, top_level_only=True))
        for module, path in MODULES.items()
    }
    done, active = set(), []

    def visit(module):
        if module in active:
            raise AssertionError(" -> ".join([*active, module]))
        if module in done:
            return
        active.append(module)
        for imported in graph[module]:
            # A package's __init__ may import its own modules (re-exports).
            if not module.startswith(imported + ".") and imported != module:
                visit(imported)
        active.pop()
        done.add(module)

    for module in graph:
        visit(module)


def test_every_folder_says_what_lives_there():
    for init in PACKAGE.rglob("__init__.py"):
        docstring = ast.get_docstring(ast.parse(init.read_text()))
        assert docstring and len(docstring.split()) >= 10, init

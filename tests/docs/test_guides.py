"""Every Python and shell block of the guides runs, as the README's example does.

``doc_blocks`` reads the blocks and their annotations. Each page's blocks run
in order in a fresh directory laid out like a checkout (``keras_gan``,
``tools``, ``export``, the setup files, a copy of ``docs``), with
``../shared/data/mnist.npz`` beside it: the first 3,000 training and 1,000
test images of the real file (random images of the same layout where it is
absent), so the commands that name MNIST run in seconds; the judges that
``keras-gan evaluate`` trains on it are cached for the session only. The
default suite runs the blocks not marked slow; ``pytest -m slow`` runs every
block of the pages that have slow ones.
"""

import os
import pathlib
import re
import subprocess

import keras
import numpy as np
import pytest
from conftest import SHARED_DATA
from doc_blocks import PYTHON, ROOT, SHELL, SHOWN, blocks, pages

pytestmark = pytest.mark.skipif(
    keras.backend.backend() != "tensorflow",
    reason="the guides' Python blocks run on the default backend, TensorFlow",
)

BLOCKS = {page: blocks(page) for page in pages()}
LINKED = ("keras_gan", "tools", "export", "setup.cfg", "pyproject.toml", "README.md")
SHELL_TIMEOUT = 600


def _pages_with(select):
    return [page for page, found in BLOCKS.items() if any(map(select, found))]


def test_every_block_names_a_language_the_tests_know():
    unknown = [
        str(block)
        for found in BLOCKS.values()
        for block in found
        if block.language not in PYTHON + SHELL + SHOWN
    ]
    assert not unknown, f"blocks with no or an unknown language: {unknown}"


def test_only_visibly_marked_blocks_are_left_out():
    """The runner leaves out a block only for its ``*Not executed ...*`` line."""
    skipped = [b for found in BLOCKS.values() for b in found if b.skip_reason]
    for block in skipped:
        assert block.skip_reason and block.language in PYTHON + SHELL, block
        assert not (block.slow or block.replacements), block
    # CI's own install, the test suite itself, a package install, two hosts,
    # Docker, a file server for a browser (the web page): a new one is a
    # decision, so it changes this count too.
    assert len(skipped) == 7, [str(block) for block in skipped]


def test_replacements_match_their_blocks():
    for found in BLOCKS.values():
        for block in found:
            for old, _ in block.replacements:
                assert old in block.code, f"{block}: {old!r} is not in the block"


def test_the_install_and_test_commands_are_ci_s():
    """README, getting-started and .ci/run say the same install and tests."""
    readme = (ROOT / "README.md").read_text()
    quick_start = re.search(r"```bash\n(.*?)```", readme, re.DOTALL)[1]
    lines = [line.split("#")[0].strip() for line in quick_start.splitlines()]
    install = [line for line in lines if line.startswith(("python3 -m", "pip "))]
    assert install == ['python3 -m venv .venv && . .venv/bin/activate',
                       'pip install -e ".[cpu,test]"']  # fmt: skip
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python3 -m venv .venv\n. .venv/bin/activate\n" in ci
    assert '\npip install -e ".[cpu,test]"' in ci
    assert "pytest" in lines and 'for selection in "" "-m slow"' in ci
    (guide,) = [b for b in BLOCKS["getting-started.md"] if "venv" in b.code]
    assert [line.split("#")[0].strip() for line in guide.code.splitlines()] == install


@pytest.fixture(scope="session")
def mnist_subset(tmp_path_factory):
    """A small ``mnist.npz`` in the keras.datasets layout."""
    path = tmp_path_factory.mktemp("shared") / "mnist.npz"
    if (SHARED_DATA / "mnist.npz").exists():
        with np.load(SHARED_DATA / "mnist.npz") as real:
            arrays = {
                "x_train": real["x_train"][:3000],
                "y_train": real["y_train"][:3000],
                "x_test": real["x_test"][:1000],
                "y_test": real["y_test"][:1000],
            }
    else:
        rng = np.random.default_rng(0)
        arrays = {
            "x_train": rng.integers(0, 256, (3000, 28, 28), dtype="uint8"),
            "y_train": rng.integers(0, 10, 3000, dtype="uint8"),
            "x_test": rng.integers(0, 256, (1000, 28, 28), dtype="uint8"),
            "y_test": rng.integers(0, 10, 1000, dtype="uint8"),
        }
    np.savez(path, **arrays)
    return path


@pytest.fixture(scope="session")
def judge_cache(tmp_path_factory):
    """Where ``keras-gan evaluate`` keeps the judges the guides train."""
    return tmp_path_factory.mktemp("keras_gan_cache")


@pytest.fixture
def checkout(tmp_path, mnist_subset, judge_cache, monkeypatch):
    """A working directory laid out like the repository, with the data beside."""
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in LINKED:
        (repo / name).symlink_to(ROOT / name)
    (repo / "docs").mkdir()
    for path in (ROOT / "docs").glob("*.md"):
        (repo / "docs" / path.name).write_text(path.read_text())
    (tmp_path / "shared" / "data").mkdir(parents=True)
    (tmp_path / "shared" / "data" / "mnist.npz").symlink_to(mnist_subset)
    monkeypatch.chdir(repo)
    monkeypatch.setenv("KERAS_GAN_CACHE", str(judge_cache))
    return repo


def _run_page(page, checkout, *, slow):
    namespace = {"__name__": "__docs__"}
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}
    env.pop("KERAS_BACKEND", None)  # the guides' commands pick their own
    for block in BLOCKS[page]:
        if not block.runs or (block.slow and not slow):
            continue
        code = block.runnable_code()
        if block.language in PYTHON:
            exec(compile(code, str(block), "exec"), namespace)  # noqa: S102
            continue
        result = subprocess.run(
            ["bash", "-e", "-o", "pipefail", "-c", code],
            cwd=checkout, env=env, capture_output=True, text=True,
            timeout=SHELL_TIMEOUT,
        )  # fmt: skip
        assert result.returncode == 0, (
            f"{block} failed ({result.returncode}):\n{code}\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return namespace


@pytest.mark.parametrize(
    "page", _pages_with(lambda block: block.runs and not block.slow)
)
def test_the_quick_blocks_run(page, checkout):
    _run_page(page, checkout, slow=False)


@pytest.mark.slow
@pytest.mark.parametrize("page", _pages_with(lambda block: block.runs and block.slow))
def test_every_block_runs(page, checkout):
    _run_page(page, checkout, slow=True)
    if page == "results.md":
        results = pathlib.Path("docs/results.md").read_text()
        assert "| mnist/r3gan/s0/0.05m/width=8 | raw |" in results
        assert "| mnist/r3gan/s0/0.05m/width=8 | ema |" in results
        assert "Honest reading" in results  # the text around the table stays

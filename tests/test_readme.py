"""The README's Python example runs word for word."""

import pathlib
import re

import numpy as np
import pytest

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


@pytest.mark.slow
def test_the_readme_python_example_runs(tmp_path, monkeypatch):
    example = re.search(r"```python\n(.*?)```", README.read_text(), re.DOTALL)[1]
    monkeypatch.chdir(tmp_path)
    namespace = {}
    exec(compile(example, "README.md", "exec"), namespace)  # noqa: S102
    assert (tmp_path / "gan.keras").exists()
    assert namespace["samples"].shape == (16, 8, 8, 1)
    assert np.isfinite(namespace["samples"]).all()

import os
import platform
import re
import subprocess
import sys

import pytest

from keras_gan.utils import console

# A line of TensorFlow's C++ log (absl format): severity, MMDD, time.
CPP_LOG_LINE = re.compile(r"^[IWEF]\d{4} \d\d:\d\d:\d\d", re.MULTILINE)
ABSL_PREAMBLE = "All log messages before absl::InitializeLog() is called"
# port.cc logs this through absl directly: no TF_CPP_MIN_LOG_LEVEL hides it.
ONEDNN_NOTICE = "oneDNN custom operations are on"


@pytest.mark.parametrize(
    "argv, orig_argv, expected",
    [
        (["/venv/bin/keras-gan", "train"], ["python", "keras-gan"], True),
        (["/venv/Scripts/keras-gan-script.py"], [], True),
        (["-m"], ["python", "-m", "keras_gan.cli", "train"], True),
        (["-m"], ["python", "-X", "dev", "-m", "keras_gan.cli"], True),
        (["-m"], ["python", "-mkeras_gan.cli"], True),
        (["-m"], ["python", "-m", "pytest", "tests"], False),
        (["script.py"], ["python", "script.py", "keras_gan.cli"], False),
        ([], [], False),
    ],
)
def test_the_command_is_recognised_by_its_command_line(argv, orig_argv, expected):
    assert console.is_the_command(argv, orig_argv) is expected


def test_the_command_sets_defaults_and_keeps_the_users_values(monkeypatch):
    monkeypatch.setattr(sys, "argv", ["/venv/bin/keras-gan"])
    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)
    console.quiet_tensorflow_in_the_command()
    assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "1"
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "0")
    console.quiet_tensorflow_in_the_command()
    assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "0"


def test_a_program_that_imports_keras_gan_keeps_its_environment(monkeypatch):
    monkeypatch.setattr(sys, "argv", ["my_script.py"])
    monkeypatch.setattr(sys, "orig_argv", ["python", "my_script.py"])
    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)
    console.quiet_tensorflow_in_the_command()
    assert "TF_CPP_MIN_LOG_LEVEL" not in os.environ


def test_held_stderr_passes_on_every_line_but_the_notices(tmp_path):
    out = tmp_path / "stderr.txt"
    with open(out, "w") as stream:
        with console.without_lines(["notice"], stream=stream):
            os.write(2, b"I0000 port.cc] a notice\nE0000 a real error\n")
            os.write(2, b"W0000 a warning, no newline")
    assert out.read_text() == "E0000 a real error\nW0000 a warning, no newline"


def _user_environment(**variables):
    # conftest.py sets TF_CPP_MIN_LOG_LEVEL=3 for this process: a user has none.
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    return {**env, **variables}


def _run(command, env, timeout=600):
    result = subprocess.run(
        command, capture_output=True, text=True, env=env, timeout=timeout
    )
    return result.returncode, result.stderr


def _tensorflow_lines(stderr):
    """TensorFlow's C++ log lines, less the two no log level hides."""
    return [
        line
        for line in stderr.splitlines()
        if (CPP_LOG_LINE.match(line) or "cpu_feature_guard" in line)
        and ONEDNN_NOTICE not in line
    ]


def test_a_healthy_train_prints_no_tensorflow_banner_or_remapper_error(tmp_path):
    # oneDNN on, as TensorFlow sets it on CPUs with AVX512-VNNI or AMX: the
    # setting under which Grappler's remapper failed on the discriminator.
    env = _user_environment(TF_ENABLE_ONEDNN_OPTS="1")
    code, stderr = _run(
        ["keras-gan", "train", "--dataset", "digits", "--epochs", "1",
         "--width", "4", "--latent-dim", "8", "--samples-every-epochs", "0",
         "--output-dir", str(tmp_path)],
        env,
    )  # fmt: skip
    assert code == 0, stderr
    assert "remapper failed" not in stderr and "E0000" not in stderr, stderr
    assert _tensorflow_lines(stderr) == [], stderr
    assert ONEDNN_NOTICE not in stderr and ABSL_PREAMBLE not in stderr, stderr
    assert (tmp_path / "gan.keras").exists()


@pytest.mark.skipif(
    platform.machine() not in ("x86_64", "AMD64"),
    reason="the CPU-feature banner is TensorFlow's x86 INFO line",
)
def test_the_users_log_level_wins(tmp_path):
    # A quick command that loads TensorFlow, then fails on its input.
    missing, output = str(tmp_path / "missing.keras"), str(tmp_path / "x.png")
    command = [sys.executable, "-m", "keras_gan.cli", "sample", "--model", missing,
               "--output", output]  # fmt: skip
    code, quiet = _run(command, _user_environment(TF_ENABLE_ONEDNN_OPTS="0"))
    assert code == 2 and _tensorflow_lines(quiet) == [], quiet
    assert ABSL_PREAMBLE not in quiet, quiet
    env = _user_environment(TF_ENABLE_ONEDNN_OPTS="0", TF_CPP_MIN_LOG_LEVEL="0")
    code, verbose = _run(command, env)
    assert code == 2 and "cpu_feature_guard" in verbose, verbose

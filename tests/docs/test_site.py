"""The docs site builds with ``mkdocs build --strict``, its reference complete.

Strict mode fails the build on any warning: a broken link or anchor, a page
left out of the nav, a missing snippet, a docstring mkdocstrings cannot read.
The command-line page is written from ``keras_gan.cli.build_parser()`` at
build time (``tools/cli_reference.py``), so it lists every flag.
"""

import argparse
import os
import subprocess
import sys

import pytest
from doc_blocks import ROOT, blocks, pages

from keras_gan.cli import build_parser


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    site_dir = tmp_path_factory.mktemp("site")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", site_dir],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-5000:]
    return site_dir


def _html(site, page):
    path = page.removesuffix(".md").removesuffix("index")
    return (site / path / "index.html").read_text()


def test_every_page_is_built(site):
    for page in pages():
        assert _html(site, page)


def test_the_cli_reference_lists_every_command_and_flag(site):
    html = _html(site, "cli.md")
    parser = build_parser()
    (commands,) = [
        a for a in parser._actions if isinstance(a, argparse._SubParsersAction)
    ]
    for name, command in commands.choices.items():
        assert f"keras-gan {name}" in html
        for action in command._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            for flag in action.option_strings:
                assert f"<code>{flag}" in html, flag


@pytest.mark.parametrize(
    "page, names",
    [
        ("api/gan.md", ["keras_gan.gan.GAN", "keras_gan.gan.GAN.compile"]),
        ("api/losses.md", ["keras_gan.losses.hinge_discriminator_loss"]),
        ("api/penalties.md", ["keras_gan.penalties.R1", "keras_gan.penalties.R2"]),
        ("api/callbacks.md", ["keras_gan.training.callbacks.SampleGrid"]),
        ("api/recipes.md", ["keras_gan.training.recipes.r3gan"]),
        ("api/training.md", ["keras_gan.training.train"]),
        ("api/data.md", ["keras_gan.data.from_array", "keras_gan.data.load_arrays"]),
        ("api/networks.md", ["keras_gan.networks.dcgan_generator"]),
        ("api/export.md", ["keras_gan.export.export_tflite"]),
        ("api/evaluation.md", ["keras_gan.evaluation.evaluate"]),
    ],
)
def test_the_api_reference_documents(site, page, names):
    html = _html(site, page)
    for name in names:
        assert f'id="{name}"' in html, name


def test_docstring_examples_render_as_code(site):
    assert '<span class="gp">&gt;&gt;&gt; </span>' in _html(site, "api/losses.md")
    for page in pages():
        if page.startswith("api/"):
            # ">>>" outside an Examples section would be read as nested quotes.
            assert "<blockquote>\n<blockquote>" not in _html(site, page), page


def test_blocks_left_out_of_the_tests_say_so_on_the_page(site):
    for page in pages():
        skipped = [block for block in blocks(page) if block.skip_reason]
        html = _html(site, page)
        assert html.count("Not executed by the tests:") == len(skipped), page
        assert "&lt;!-- test:" not in html  # the annotations stay hidden

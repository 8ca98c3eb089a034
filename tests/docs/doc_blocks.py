"""The code blocks of the docs site, and how the tests run them.

A page is a markdown file of ``docs/`` with the files it includes
(``--8<-- "PATH"``, pymdownx.snippets) spliced in. Each fenced block names its
language: ``python`` blocks run in the test process, one namespace per page;
``bash`` and ``sh`` blocks run with ``bash -e`` in a subprocess; any other
language (``text`` for output examples) is shown only.

What a reader sees decides what runs. HTML comments right above a block adjust
how the tests run it::

    <!-- test: slow -->                  only under ``pytest -m slow``
    <!-- test: replace "OLD" "NEW" -->   run with OLD replaced by NEW

and a block that cannot run in CI says so, visibly, as the last text line
above it (its comments included)::

    *Not executed by the tests: REASON.*

No other block is left out.
"""

import dataclasses
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PYTHON = ("python", "py")
SHELL = ("bash", "sh")
SHOWN = ("text", "json", "yaml", "toml")
SKIP = re.compile(r"^\*Not executed by the tests: (.+)\*$")
INCLUDE = re.compile(r'^--8<-- "(.+)"$')
FENCE = re.compile(r"^( *)(```+)(.*)$")
DIRECTIVE = re.compile(r"^<!-- test: (.*) -->$")
REPLACE = re.compile(r'^replace "(.+?)" "(.*?)"$')


@dataclasses.dataclass
class Block:
    page: str
    line: int  # of the opening fence, in the page with its inclusions
    language: str
    code: str
    slow: bool = False
    replacements: list = dataclasses.field(default_factory=list)
    skip_reason: str | None = None

    @property
    def runs(self):
        return self.skip_reason is None and self.language in PYTHON + SHELL

    def runnable_code(self):
        code = self.code
        for old, new in self.replacements:
            code = code.replace(old, new)
        return code

    def __str__(self):
        return f"{self.page}:{self.line} ({self.language})"


def pages():
    """The site's pages, ``docs/``-relative paths, sorted."""
    return sorted(str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md"))


def page_lines(page):
    """The page's lines with ``--8<--`` inclusions (repository paths) spliced in."""
    lines = []
    for line in (DOCS / page).read_text().splitlines():
        included = INCLUDE.match(line)
        if included:
            lines += (ROOT / included[1]).read_text().splitlines()
        else:
            lines.append(line)
    return lines


def blocks(page):
    """The fenced blocks of ``page`` with their annotations, in order."""
    lines = page_lines(page)
    found, number = [], 0
    while number < len(lines):
        opening = FENCE.match(lines[number])
        if not opening:
            number += 1
            continue
        indent, fence, language = opening.groups()
        end = number + 1
        while not lines[end].startswith(indent + fence) or lines[end].strip() != fence:
            end += 1
        code = "\n".join(line[len(indent) :] for line in lines[number + 1 : end])
        block = Block(page, number + 1, language.strip(), code + "\n")
        _annotate(block, lines[:number])
        found.append(block)
        number = end + 1
    return found


def _annotate(block, above):
    """Reads the comments and the skip marker above a block into it."""
    row = len(above) - 1
    while row >= 0 and DIRECTIVE.match(above[row]):
        directive = DIRECTIVE.match(above[row])[1]
        replacement = REPLACE.match(directive)
        if directive == "slow":
            block.slow = True
        elif replacement:
            block.replacements.insert(0, replacement.groups())
        else:
            raise ValueError(f"{block}: unknown annotation {directive!r}")
        row -= 1
    while row >= 0 and not above[row].strip():
        row -= 1
    if row >= 0 and SKIP.match(above[row]):
        block.skip_reason = SKIP.match(above[row])[1]

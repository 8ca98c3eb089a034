"""The command-line reference, written from ``keras_gan.cli.build_parser()``.

An MkDocs hook (``hooks:`` in mkdocs.yml): on every build, the line
``<!-- cli-reference -->`` in docs/cli.md becomes one section per command
with its usage, description and a table of its arguments, read from the
argparse parsers the ``keras-gan`` command runs, so the page cannot drift
from the code. ``python tools/cli_reference.py`` prints the same markdown.
"""

import argparse
import os

MARKER = "<!-- cli-reference -->"


def cli_reference(parser):
    """Markdown for ``parser``'s commands: usage, description, argument tables."""
    lines = []
    for command in _commands(parser).values():
        lines += [f"## `{command.prog}`", ""]
        lines += [_text(command.description or ""), ""]
        lines += ["```text", command.format_usage().strip(), "```", ""]
        for group in command._action_groups:
            actions = [a for a in group._group_actions if a.help != argparse.SUPPRESS]
            actions = [a for a in actions if not isinstance(a, argparse._HelpAction)]
            if not actions:
                continue
            title = "arguments" if group.title == "options" else group.title
            lines += [f"### {title[0].upper()}{title[1:]}", ""]
            if group.description:
                lines += [_text(group.description), ""]
            lines += ["| argument | description |", "| --- | --- |"]
            formatter = command._get_formatter()
            lines += [_row(action, formatter) for action in actions]
            lines.append("")
    return "\n".join(lines)


def _commands(parser):
    """The subcommands of ``parser`` by name, in the order they were added."""
    (subparsers,) = (
        action
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
    )
    return subparsers.choices


def _row(action, formatter):
    flags = ", ".join(action.option_strings) or action.dest
    if action.choices is not None:  # listed in the description
        flags += " " + action.dest.upper()
    elif action.nargs != 0:
        flags += " " + formatter._format_args(action, action.dest.upper())
    notes = []
    if action.required:
        notes.append("required")
    if action.choices is not None:
        notes.append("one of " + ", ".join(f"`{choice}`" for choice in action.choices))
    description = _text(formatter._expand_help(action) if action.help else "")
    if notes:
        description += f" ({'; '.join(notes)})"
    return f"| `{flags}` | {description} |"


def _text(text):
    """Help text as one markdown table cell or paragraph."""
    return " ".join(text.split()).replace("|", "\\|")


def on_page_markdown(markdown, page, **kwargs):
    """The MkDocs hook: fills in the marker of docs/cli.md."""
    if MARKER not in markdown:
        return markdown
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from keras_gan.cli import build_parser

    return markdown.replace(MARKER, cli_reference(build_parser()))


if __name__ == "__main__":
    from keras_gan.cli import build_parser

    print(cli_reference(build_parser()))

"""Which modules a ``keras-gan`` command passes through, and how often it climbs back.

A reader who follows a command's arguments through the code opens one module
after another; each call into another module of the package is a step down,
and each return from it a climb back up to continue reading where the call
was made. This script runs the command once and records the package's own
call tree: calls from keras_gan code into keras_gan code in another module
(calls that Keras makes into the package, such as ``train_step`` and the
callbacks' hooks, start no edge: a reader of the command does not follow
them). It prints the modules entered, in order of first entry, and the
number of cross-module calls, each of which the reader climbs back from;
both also counted by folder (the six core modules count as one, and in a
flat package every other module is its own folder).

    python tools/trace_command.py train --dataset digits --epochs 1 \
        --output-dir /tmp/trace --width 4 --samples-every-epochs 0

Run it from the checkout whose package is to be measured.
"""

import sys
import tempfile

# The model core (ARCHITECTURE.md): one concept, whatever the layout.
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


def concept_of(module):
    """The folder a module lives in (``keras_gan.training.resume.fit`` ->
    ``training``), ``core`` for the core modules, else the module itself."""
    parts = module.split(".")
    if len(parts) == 1:
        return "keras_gan"
    return "core" if parts[1] in CORE else parts[1]


def _module_of(frame):
    name = frame.f_globals.get("__name__", "")
    return name if name.split(".")[0] == "keras_gan" else None


def trace(argv):
    """``(modules by first entry, cross-module calls)`` of ``keras-gan argv``."""
    from keras_gan import cli

    entered, edges = [], []

    def profile(frame, event, arg):
        if event != "call":
            return
        callee = _module_of(frame)
        caller = _module_of(frame.f_back) if frame.f_back else None
        if callee is None or caller is None or callee == caller:
            return
        if frame.f_code.co_name.startswith("<"):  # comprehensions, lambdas
            return
        for module in (caller, callee):
            if module not in entered:
                entered.append(module)
        edges.append((caller, callee, frame.f_code.co_name))

    sys.setprofile(profile)
    try:
        code = cli.main(argv)
    finally:
        sys.setprofile(None)
    if code:
        raise SystemExit(f"keras-gan {' '.join(argv)} exited with {code}")
    return entered, edges


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv:
        argv = ["train", "--dataset", "digits", "--epochs", "1", "--width", "4",
                "--samples-every-epochs", "0",
                "--output-dir", tempfile.mkdtemp(prefix="trace_")]  # fmt: skip
    entered, edges = trace(argv)
    concepts = list(dict.fromkeys(concept_of(m) for m in entered))
    distinct = sorted(set(edges), key=edges.index)
    between = [e for e in distinct if concept_of(e[0]) != concept_of(e[1])]
    print(f"keras-gan {' '.join(argv)}")
    print(f"modules entered: {len(entered)}, in {len(concepts)} folders:")
    print(f"  {', '.join(concepts)}")
    print(f"cross-module calls: {len(distinct)}; between folders: {len(between)}")
    for caller, callee, function in distinct:
        print(f"  {caller} -> {callee}.{function}")


if __name__ == "__main__":
    main()

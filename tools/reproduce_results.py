"""The docs' results table: every recipe on MNIST, Fashion-MNIST, Stacked MNIST.

Each row trains one recipe (``keras_gan.recipes``) on a dataset's first 50,000
training images (the paper's split) for a budget of process CPU time, then
scores the generator and, where the recipe keeps one, its moving average with
``keras_gan.evaluation.evaluate`` (``report.json``: Parzen, Frechet distance,
KID, precision/recall, coverage, each beside its real train-vs-test
reference), or with the Stacked MNIST mode count. A row whose
``OUTPUT_DIR/ROW/gan.keras`` exists is not trained again and a report newer
than its model is reused, so a long table can be built in several runs.

Rows are named ``DATASET/RECIPE/sSEED/MINUTESm``, optionally with recipe
arguments: ``mnist/r3gan/s0/15m/gamma=1.0,learning_rate=1e-4``, and
``precision=mixed_bfloat16`` (a Keras dtype policy, or ``auto``: bfloat16
where the CPU computes it natively) to train in it, and
``batch_size=N`` for another batch than the recipe's. A row with
``num_classes=10`` trains a class-conditional GAN on the dataset's labels and
is also scored by conditional accuracy and intra-class Frechet distance (a
second table). ``keep_best=N`` scores the validation Parzen every N epochs and
keeps the best model (``best.keras``, the "best" generator of the table; its
steps are the kept model's), as the GAN paper's pylearn2 runs did. ``--rows``
takes row names, or ``table`` for the rows of docs/results.md.

    nice -n 5 python tools/reproduce_results.py --data-dir ../shared/data \\
        --rows table --output-dir runs/results --table docs/results.md
"""

import argparse
import json
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402

from keras_gan import callbacks, evaluation, recipes, training  # noqa: E402
from keras_gan.evaluation import stacked  # noqa: E402
from keras_gan.training import budget, execution  # noqa: E402
from keras_gan.training.budget import TimeBudget  # noqa: E402

DATASETS = ("mnist", "fashion_mnist", "stacked_mnist")
TRAIN_SIZE = 50_000  # the paper's train/validation split of the 60,000
TABLE = [
    "mnist/paper_mlp/s0/15m",
    "mnist/dcgan/s0/15m/width=32,ema_decay=0.999",
    "mnist/r3gan/s0/15m/penalty_every=1,total_steps=null,network=dcgan",
    "fashion_mnist/paper_mlp/s0/15m",
    "fashion_mnist/dcgan/s0/15m/width=32,ema_decay=0.999",
    "fashion_mnist/r3gan/s0/15m/penalty_every=1,total_steps=null,network=dcgan",
    "mnist/r3gan/s1/15m/penalty_every=1,total_steps=null,network=dcgan",
    "mnist/r3gan/s2/15m/penalty_every=1,total_steps=null,network=dcgan",
    "stacked_mnist/r3gan/s0/30m/penalty_every=1,total_steps=null,network=dcgan",
    "mnist/paper_mlp/s0/60m",
    "fashion_mnist/r3gan/s0/15m/ema_decay=0.995,penalty_every=1,total_steps=null,network=dcgan",
    "mnist/r3gan/s0/15m/num_classes=10,penalty_every=1,total_steps=null,network=dcgan",
    "fashion_mnist/r3gan/s0/15m/num_classes=10,penalty_every=1,total_steps=null,network=dcgan",
    # r3gan's lazy R1/R2 (its default since the frontier sweep, docs/frontier.md);
    # the rows above and these two ran before r3gan sized its EMA to the run
    "mnist/r3gan/s0/15m/penalty_every=4,total_steps=null,network=dcgan",
    "fashion_mnist/r3gan/s0/15m/penalty_every=4,total_steps=null,network=dcgan",
    # planned steps, the EMA's half-life 2 % of them (2026-12-06)
    "mnist/r3gan/s0/15m/ema_half_life=0.02,network=dcgan",
    "mnist/r3gan/s1/15m/ema_half_life=0.02,network=dcgan",
    "mnist/r3gan/s2/15m/ema_half_life=0.02,network=dcgan",
    "fashion_mnist/r3gan/s0/15m/ema_half_life=0.02,network=dcgan",
    "stacked_mnist/r3gan/s0/30m/ema_half_life=0.02,network=dcgan",
    # residual networks (r3gan's default since 2026-12-06), bfloat16 where the
    # CPU computes it natively (precision=auto)
    "mnist/r3gan/s0/15m/network=residual,precision=auto",
    "mnist/r3gan/s1/15m/network=residual,precision=auto",
    "mnist/r3gan/s2/15m/network=residual,precision=auto",
    "fashion_mnist/r3gan/s0/15m/network=residual,precision=auto",
    "stacked_mnist/r3gan/s0/30m/network=residual,precision=auto,width=16",
    "mnist/r3gan/s3/15m/network=residual,precision=auto",
    # Stacked MNIST's three channels: the DCGAN pair, and wider residual ones
    "stacked_mnist/r3gan/s0/30m/network=dcgan,precision=auto",
    "stacked_mnist/r3gan/s0/30m/network=residual,precision=auto,width=32",
    "stacked_mnist/r3gan/s0/30m/network=residual,precision=auto,width=24,discriminator_width=32",
    "stacked_mnist/r3gan/s1/30m/network=residual,precision=auto,width=32",
    "stacked_mnist/r3gan/s2/30m/network=residual,precision=auto,width=32",
    "fashion_mnist/r3gan/s1/15m/network=residual,precision=auto",
    "stacked_mnist/r3gan/s1/30m/network=residual,precision=auto,width=32,batch_size=32",
    "stacked_mnist/r3gan/s2/30m/network=residual,precision=auto,width=32,batch_size=32",
    "mnist/r3gan/s4/15m/network=residual,precision=auto",
    "fashion_mnist/r3gan/s2/15m/network=residual,precision=auto",
    "stacked_mnist/r3gan/s3/30m/network=residual,precision=auto,width=32",
    # Stacked MNIST with R1/R2's weight decayed to a tenth over the run
    "stacked_mnist/r3gan/s0/30m/network=residual,precision=auto,width=32,final_gamma=0.1",
    "stacked_mnist/r3gan/s1/30m/network=residual,precision=auto,width=32,final_gamma=0.1",
    "stacked_mnist/r3gan/s2/30m/network=residual,precision=auto,width=32,final_gamma=0.1",
    "stacked_mnist/r3gan/s3/30m/network=residual,precision=auto,width=32,final_gamma=0.1",
    "stacked_mnist/r3gan/s4/30m/network=residual,precision=auto,width=32,final_gamma=0.1",
    "stacked_mnist/r3gan/s5/30m/network=residual,precision=auto,width=32,final_gamma=0.1",
    # the paper's MLP with a moving average, keeping the best validation Parzen
    # (run with KERAS_BACKEND=jax, the fastest backend for it)
    "mnist/paper_mlp/s0/75m/ema_decay=0.9998,keep_best=10",
    # the paper's MLP for 150 CPU-minutes with the ramped average of a decay
    # >= 0.99999 (step s weighted about as s^8: the last quarter); KERAS_BACKEND=jax
    "mnist/paper_mlp/s0/150m/ema_decay=0.99999",
    "mnist/paper_mlp/s1/150m/ema_decay=0.99999",
    # the conditional rows on the unconditional rows' recipe: residual networks,
    # bfloat16 where native, lazy R1/R2, planned steps, an EMA sized to the run
    "mnist/r3gan/s0/15m/network=residual,precision=auto,num_classes=10",
    "fashion_mnist/r3gan/s0/15m/network=residual,precision=auto,num_classes=10",
    "mnist/r3gan/s1/15m/network=residual,precision=auto,num_classes=10",
    "fashion_mnist/r3gan/s1/15m/network=residual,precision=auto,num_classes=10",
]


def dataset_source(dataset, data_dir):
    """What ``keras_gan.data.load_arrays`` loads for ``dataset``."""
    if dataset == "stacked_mnist":
        return "stacked_mnist:" + os.path.join(data_dir, "mnist.npz")
    return os.path.join(data_dir, f"{dataset}.npz")


def parse_row(name):
    """``(dataset, recipe, seed, minutes, overrides)`` of a row name."""
    parts = name.split("/")
    if len(parts) not in (4, 5) or parts[0] not in DATASETS:
        raise SystemExit(f"bad row {name!r}: expected DATASET/RECIPE/sSEED/MINm[/k=v]")
    overrides = {}
    for item in filter(None, (parts[4] if len(parts) == 5 else "").split(",")):
        key, value = item.split("=")
        overrides[key] = _json_or_text(value)
    return parts[0], parts[1], int(parts[2][1:]), float(parts[3][:-1]), overrides


def _json_or_text(value):
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value  # a bare word such as mixed_bfloat16


def train_row(name, real, run_dir):
    """Trains one row into ``run_dir``; returns its training facts.

    A recipe that sizes its schedules to the run (takes ``total_steps``)
    gets the steps its budget buys, planned once from a measured speed as
    ``keras-gan train --budget-minutes`` plans them, and trains exactly
    those; a row naming ``total_steps`` (``null``: no schedules) and every
    other recipe trains until the CPU budget is spent.
    """
    _, recipe, seed, minutes, overrides = parse_row(name)
    # not a recipe argument: the Keras dtype policy the networks are built in
    precision = execution.set_precision(overrides.pop("precision", "float32"))
    keep_every = overrides.pop("keep_best", None)
    images = real.train[:TRAIN_SIZE]
    conditional = overrides.get("num_classes") is not None
    labels = real.train_labels[:TRAIN_SIZE] if conditional else None
    batch_size = overrides.pop("batch_size", None) or recipes.batch_size(recipe)
    if recipes.takes(recipe, "batch_size"):
        overrides["batch_size"] = batch_size

    def build(**planned):
        keras.utils.set_random_seed(seed)
        return recipes.build(
            recipe, images.shape[1:], images=images, seed=seed, **overrides, **planned
        )

    if recipes.takes(recipe, "total_steps") and "total_steps" not in overrides:
        steps = budget.plan_recipe_steps(
            run_dir, minutes, build, images, batch_size=batch_size, labels=labels
        )
        gan, length = build(total_steps=steps), {"steps": steps}
        timer = TimeBudget(2 * minutes, clock="cpu")  # a clock, not a limit
    else:
        gan, length = build(), {"epochs": 100_000}
        timer = TimeBudget(minutes, clock="cpu")
    hooks = [timer]
    if keep_every:
        hooks.append(_keep_best(real, run_dir, keep_every, gan))
    wall = time.time()
    training.train(
        gan, images, labels=labels, output_dir=run_dir, **length,
        batch_size=batch_size, callbacks=hooks, backup_every_steps=None,
        verbose=2,
    )  # fmt: skip
    steps = int(gan.generator_optimizer.iterations)
    facts = {
        "row": name,
        "steps": steps,
        "epochs": round(steps * batch_size * gan.discriminator_steps / len(images), 2),
        "cpu_minutes": round((timer.used() + probe_cpu_seconds(run_dir)) / 60.0, 2),
        "wall_minutes": round((time.time() - wall) / 60.0, 2),
        "steps_per_cpu_second": round(steps / timer.used(), 2),
        "ema": gan.ema_generator is not None,
        "precision": precision,
    }
    if keep_every and hooks[-1].best_epoch is not None:
        epoch = hooks[-1].best_epoch
        facts["best_epoch"] = epoch
        per_epoch = len(images) // (batch_size * gan.discriminator_steps)
        facts["best_steps"] = epoch * per_epoch
    _write_json(os.path.join(run_dir, "training.json"), facts)
    return facts


def _keep_best(real, run_dir, every_epochs, gan):
    """Keeps the generator of the best validation Parzen, as pylearn2 did.

    Scored on 2,000 images of the validation split (``train[51000:53000]``)
    that neither train the GAN, choose the kernel width nor test it; the
    moving average when the GAN keeps one.
    """
    monitored = real.train[TRAIN_SIZE + 1_000 : TRAIN_SIZE + 3_000]
    score = evaluation.ParzenScore(
        monitored, real.validation, use_ema=gan.ema_generator is not None
    )
    path = os.path.join(run_dir, "best.keras")
    return callbacks.KeepBest(path, score, every_epochs=every_epochs)


def probe_cpu_seconds(run_dir):
    """CPU seconds the speed probe of a planned row used (0 without one)."""
    path = os.path.join(run_dir, budget.BUDGET_FILE)
    if not os.path.exists(path):
        return 0.0
    with open(path) as file:
        return json.load(file)["probe_seconds"]


KINDS = {  # generator kind: (model file, use_ema, report folder)
    "raw": ("gan.keras", False, "eval"),
    "ema": ("gan.keras", True, "eval_ema"),
    "best": ("best.keras", False, "eval_best"),
    "best ema": ("best.keras", True, "eval_best_ema"),
}


def evaluate_row(name, real, run_dir, args, kind):
    """The report of one of the row's generators (``KINDS``), computed or
    reused when newer than its model."""
    model_file, use_ema, folder = KINDS[kind]
    model = os.path.join(run_dir, model_file)
    path = os.path.join(run_dir, folder, "report.json")
    if os.path.exists(path) and os.path.getmtime(path) > os.path.getmtime(model):
        with open(path) as file:
            return json.load(file)
    if name.startswith("stacked_mnist/"):
        mnist = evaluation.load_real(dataset_source("mnist", args.data_dir))
        sampler = evaluation.as_sampler(model, use_ema=use_ema)
        report = stacked.evaluate_stacked(
            sampler, mnist.train, mnist.train_labels, real.train, seed=0
        )
        _write_json(path, report)
        return report
    return evaluation.evaluate(
        model, real, use_ema=use_ema, num_samples=args.num_samples, seed=0,
        output_dir=os.path.dirname(path),
    )  # fmt: skip


def run_row(name, args):
    """``(facts, {"raw": report, "ema": report})`` of one row."""
    real = evaluation.load_real(dataset_source(parse_row(name)[0], args.data_dir))
    run_dir = os.path.join(args.output_dir, name.replace("/", "_"))
    if not os.path.exists(os.path.join(run_dir, "gan.keras")):
        train_row(name, real, run_dir)
    with open(os.path.join(run_dir, "training.json")) as file:
        facts = json.load(file)
    kinds = ["raw", "ema"] if facts["ema"] else ["raw"]
    if "best_epoch" in facts:  # the generator KeepBest monitored
        kinds.append("best ema" if facts["ema"] else "best")
    reports = {kind: evaluate_row(name, real, run_dir, args, kind) for kind in kinds}
    return facts, reports


def table_lines(results):
    """Markdown rows: one per generator, with the real references last."""
    lines = [
        "| row | generator | Parzen (nats) | FD (judge) | FD / real | KID "
        "| precision | recall | classes ≥2 % | modes (KL) | steps | steps/CPU-s "
        "| CPU min | wall min |",
        "|" + "---|" * 14,
    ]
    references = {}
    for name, (facts, reports) in results.items():
        for kind, report in reports.items():
            lines.append(_row_line(name, kind, facts, report))
        references.setdefault(parse_row(name)[0], reports["raw"])
    for dataset, report in references.items():
        lines.append(_reference_line(dataset, report))
    return lines


def _reference_line(dataset, report):
    """The real train-vs-test reference of a dataset's reports."""
    if "fid" not in report:
        modes, kl = (
            report[k]["reference_real"] for k in ("modes_covered", "kl_to_uniform")
        )
        return f"| {dataset} real images | | | | | | | | | {modes} ({kl:.3f}) | | | | |"
    real = {
        key: entry["reference_train_vs_test"]
        for key, entry in report.items()
        if isinstance(entry, dict) and "reference_train_vs_test" in entry
    }
    return (
        f"| {dataset} real train images | | {real['parzen_ll']:.0f} ± "
        f"{real['parzen_se']:.1f} | {real['fid']:.2f} | 1× | {real['kid']:.3g} | "
        f"{real['precision']:.2f} | {real['recall']:.2f} | "
        f"{real['modes_covered']}/10 | | | | | |"
    )


def _row_line(name, kind, facts, report):
    steps = facts["best_steps"] if kind.startswith("best") else facts["steps"]
    cost = (
        f"{steps:,} | {facts['steps_per_cpu_second']} | "
        f"{facts['cpu_minutes']} | {facts['wall_minutes']} |"
    )
    if "modes_covered" in report and "fid" not in report:
        modes = report["modes_covered"]["value"]
        kl = report["kl_to_uniform"]["value"]
        return f"| {name} | {kind} | | | | | | | | {modes} ({kl:.3f}) | {cost}"
    fd, floor = (report["fid"][key] for key in ("value", "reference_train_vs_test"))
    return (
        f"| {name} | {kind} | {report['parzen_ll']['value']:.0f} ± "
        f"{report['parzen_se']['value']:.1f} | {fd:.2f} | {fd / floor:.1f}× | "
        f"{report['kid']['value']:.3g} | {report['precision']['value']:.2f} | "
        f"{report['recall']['value']:.2f} | {report['modes_covered']['value']}/10 "
        f"| | {cost}"
    )


def conditional_table_lines(results):
    """Markdown rows of the conditional generators: is the class asked for seen?"""
    lines = [
        "| row | generator | conditional accuracy | of real | intra-class FD "
        "| / real | FD (class-balanced) | steps/CPU-s |",
        "|" + "---|" * 8,
    ]
    for name, (facts, reports) in results.items():
        for kind, report in reports.items():
            if "conditional_accuracy" not in report:
                continue
            accuracy, real_accuracy = _value_and_reference(
                report, "conditional_accuracy"
            )
            intra, real_intra = _value_and_reference(report, "intra_class_fid")
            lines.append(
                f"| {name} | {kind} | {accuracy:.4f} | "
                f"{accuracy / real_accuracy:.1%} (real {real_accuracy:.4f}) | "
                f"{intra:.2f} | {intra / real_intra:.1f}× (real {real_intra:.2f}) | "
                f"{report['fid']['value']:.2f} | {facts['steps_per_cpu_second']} |"
            )
    return lines if len(lines) > 2 else []


def _value_and_reference(report, key):
    return report[key]["value"], report[key]["reference_train_vs_test"]


def seed_summary(results):
    """``mean ± std`` of the Frechet distance over the seeds of each row.

    Rows are seeds of one setting when all but their seed agree, recipe
    arguments included.
    """
    groups = {}
    for name, (_, reports) in results.items():
        parts = name.split("/")
        setting = "/".join(parts[:2] + parts[3:])
        for kind, report in reports.items():
            if "fid" in report:
                key = f"{setting} ({kind})"
                groups.setdefault(key, []).append(report["fid"]["value"])
    return [
        f"- {key}: FD {statistics.mean(v):.2f} ± {statistics.stdev(v):.2f} "
        f"over {len(v)} seeds"
        for key, v in groups.items()
        if len(v) > 1
    ]


TABLE_START, TABLE_END = "<!-- results-table:start -->", "<!-- results-table:end -->"


def write_table(path, lines):
    """Writes the table to ``path``, between its markers if the file has them.

    docs/results.md is the Results page of the docs: the table goes between
    ``TABLE_START`` and ``TABLE_END`` and the text around it stays. A file
    without the markers is written whole.
    """
    text = "\n".join(lines) + "\n"
    page = open(path).read() if os.path.exists(path) else ""
    if TABLE_START in page and TABLE_END in page:
        head, rest = page.split(TABLE_START, 1)
        tail = rest.split(TABLE_END, 1)[1]
        text = f"{head}{TABLE_START}\n\n{text}\n{TABLE_END}{tail}"
    with open(path, "w") as file:
        file.write(text)


def _write_json(path, content):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as file:
        json.dump(content, file, indent=2)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument(
        "--rows", nargs="+", default=["table"], help="'table' or row names"
    )
    parser.add_argument("--output-dir", default="runs/results")
    parser.add_argument("--num-samples", type=int, default=10_000)
    parser.add_argument("--table", help="also write the markdown table here")
    args = parser.parse_args(argv)
    names = TABLE if args.rows == ["table"] else args.rows
    results = {}
    for name in names:
        results[name] = run_row(name, args)
        print(f"[{name}] {results[name][0]}", flush=True)
    lines = table_lines(results) + [""] + seed_summary(results)
    conditional = conditional_table_lines(results)
    if conditional:
        lines += ["", *conditional]
    print("\n".join(lines))
    if args.table:
        write_table(args.table, lines)


if __name__ == "__main__":
    main()

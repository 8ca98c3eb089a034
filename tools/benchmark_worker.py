"""A backend comparison worker: builds each configuration and times its runs.

Runs in its own process with ``KERAS_BACKEND`` fixed (``benchmark.py --worker
NAME``) and answers one JSON request per line on stdin.
"""

import json
import os
import sys
import time
import traceback

from benchmark_models import (
    COMPARISON_MODELS,
    IMAGE_SHAPE,
    LATENT_DIM,
    PLAIN_TORCH,
    WARMUP_STEPS,
)


def serve(args):
    """Answers measurement requests on stdin, one JSON line each on stdout."""
    replies = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # whatever the frameworks print goes to stderr
    try:
        worker = Worker(args.worker, args.mnist, args.images)
        replies.write(json.dumps(worker.describe()) + "\n")
    except Exception as error:  # reported to the parent, which goes on without it
        traceback.print_exc()
        replies.write(json.dumps({"error": _short(error)}) + "\n")
        return 1
    for line in sys.stdin:
        request = json.loads(line)
        if request.get("quit"):
            break
        try:
            reply = worker.measure(request["kind"], request["model"], request["steps"])
        except Exception as error:
            traceback.print_exc()
            reply = {"error": _short(error)}
        replies.write(json.dumps(reply) + "\n")
    return 0


def _short(error):
    text = f"{type(error).__name__}: {error}"
    return text if len(text) < 300 else text[:300] + "..."


def load_images(path, count):
    """``(images, description)``: MNIST digits in [0, 1], NHWC, or uniform noise."""
    import numpy as np

    if os.path.exists(path):
        with np.load(path) as arrays:
            digits = arrays["x_train"][:count]
        images = (digits.astype("float32") / 255.0)[..., None]
        return images, f"data: {len(images)} MNIST digits from {path}"
    rng = np.random.default_rng(0)
    images = rng.uniform(0.0, 1.0, (count, *IMAGE_SHAPE)).astype("float32")
    return images, f"data: {count} uniform-noise images ({path} not found)"


def _rescale(images, value_range):
    low, high = value_range
    return images * (high - low) + low


class Worker:
    def __init__(self, name, mnist, count):
        self.name = name
        self.images, self.data = load_images(mnist, count)
        self.runners = {}
        if name == PLAIN_TORCH:
            import torch  # noqa: F401

            return
        import keras

        if keras.backend.backend() != name:
            raise RuntimeError(
                f"KERAS_BACKEND={name} was asked, Keras runs {keras.backend.backend()}"
            )
        import keras_gan  # noqa: F401  (fails here, not mid-round, if it cannot)

    def describe(self):
        info = {"backend": self.name, "data": self.data, "versions": {}}
        threads = {"cpu_count": os.cpu_count()}
        if hasattr(os, "sched_getaffinity"):
            threads["affinity"] = len(os.sched_getaffinity(0))
        for variable in (
            "OMP_NUM_THREADS",
            "MKL_NUM_THREADS",
            "TF_NUM_INTRAOP_THREADS",
            "TF_NUM_INTEROP_THREADS",
            "XLA_FLAGS",
        ):
            if variable in os.environ:
                threads[variable] = os.environ[variable]
        versions = info["versions"]
        if self.name != PLAIN_TORCH:
            import keras

            versions["keras"] = keras.__version__
        if self.name == "tensorflow":
            import tensorflow as tf

            versions["tensorflow"] = tf.__version__
            intra = tf.config.threading.get_intra_op_parallelism_threads()
            inter = tf.config.threading.get_inter_op_parallelism_threads()
            threads["tf_intra_op"] = intra or "default (all cores)"
            threads["tf_inter_op"] = inter or "default"
            gpus = tf.config.list_physical_devices("GPU")
            info["device"] = "gpu" if gpus else "cpu"
        elif self.name == "jax":
            import jax

            versions["jax"] = jax.__version__
            info["device"] = ", ".join(sorted({d.platform for d in jax.devices()}))
            threads["xla_cpu"] = "default (all cores)"
        else:
            import torch

            versions["torch"] = torch.__version__
            threads["torch_intra_op"] = torch.get_num_threads()
            threads["torch_inter_op"] = torch.get_num_interop_threads()
            info["device"] = "cuda" if torch.cuda.is_available() else "cpu"
        info["threads"] = threads
        return info

    def measure(self, kind, model, steps):
        key = (kind, model)
        if key not in self.runners:
            runner = self.make_runner(kind, model)
            runner.measure(WARMUP_STEPS)  # traces / compiles; not reported
            self.runners[key] = runner
        rate, (d_loss, g_loss) = self.runners[key].measure(steps)
        return {"steps_per_s": rate, "d_loss": d_loss, "g_loss": g_loss}

    def make_runner(self, kind, model):
        network, m, _ = COMPARISON_MODELS[model]
        if kind == "package":
            return PackageRunner(self.images, network, m)
        if kind == "guide":
            import guide_loops

            from keras_gan import networks

            make_generator, make_discriminator = networks.NETWORKS[network]
            generator = make_generator(LATENT_DIM, IMAGE_SHAPE)
            loop = guide_loops.make_loop(
                generator, make_discriminator(IMAGE_SHAPE), latent_dim=LATENT_DIM
            )
            images = _rescale(self.images, networks.output_range(generator))
            return LoopRunner(loop, guide_loops.Batches(images, m))
        if kind == "plain":
            import guide_loops
            import plain_torch

            value_range = (0.0, 1.0) if network == "paper" else (-1.0, 1.0)
            images = _rescale(self.images, value_range).transpose(0, 3, 1, 2).copy()
            loop = plain_torch.PlainTorchLoop(
                *plain_torch.plain_torch_networks(network, LATENT_DIM, IMAGE_SHAPE),
                latent_dim=LATENT_DIM,
            )
            return LoopRunner(loop, guide_loops.Batches(images, m))
        raise ValueError(f"unknown kind {kind!r}")


class LoopRunner:
    """Times a hand-written loop: the steps after the first, until synced."""

    def __init__(self, loop, batches):
        self.loop, self.batches = loop, batches

    def measure(self, steps):
        self.loop.step(next(self.batches))
        self.loop.sync()
        start = time.perf_counter()
        for _ in range(steps - 1):
            self.loop.step(next(self.batches))
        losses = self.loop.sync()
        return (steps - 1) / (time.perf_counter() - start), losses


class PackageRunner:
    """Times a whole ``gan.fit`` call of ``steps`` steps, until the weights are read."""

    def __init__(self, images, network, m):

        import keras_gan
        from keras_gan import data, networks

        make_generator, make_discriminator = networks.NETWORKS[network]
        self.gan = keras_gan.GAN(
            make_generator(LATENT_DIM, IMAGE_SHAPE),
            make_discriminator(IMAGE_SHAPE),
            discriminator_steps=1,
            seed=0,
        )
        self.gan.compile()
        dataset = data.from_array(
            images,
            batch_size=m,
            value_range=networks.output_range(self.gan.generator),
            seed=0,
        )
        if hasattr(dataset, "repeat"):  # tf.data: as many steps as asked
            dataset, self.batches = dataset.repeat(), None
        else:  # keras.utils.PyDataset (or similar): one epoch's worth at most
            self.batches = len(dataset)
        self.dataset = dataset

    def measure(self, steps):
        from keras import ops

        if self.batches is not None and steps > self.batches:
            raise ValueError(
                f"{steps} steps asked, but one epoch of the dataset has "
                f"{self.batches} batches: use more --images or fewer --steps"
            )
        # The whole fit call, as a user pays it: a per-batch timing callback
        # would make Keras wait for every step's logs, which fit alone does not.
        start = time.perf_counter()
        history = self.gan.fit(
            self.dataset, steps_per_epoch=steps, epochs=1, verbose=0, shuffle=False
        )
        ops.convert_to_numpy(self.gan.generator.trainable_variables[0].value)  # sync
        elapsed = time.perf_counter() - start
        losses = tuple(float(history.history[n][-1]) for n in ("d_loss", "g_loss"))
        return steps / elapsed, losses

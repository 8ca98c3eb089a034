"""Compiling a model of two networks: one optimizer each, saved with the model.

``keras.Model.compile`` knows one optimizer. ``TwoOptimizers`` is the mixin
that gives ``GAN`` a ``generator_optimizer`` and a ``discriminator_optimizer``,
builds both up front (so ``fit`` traces once and a loaded model has slots to
restore into), and saves them in ``get_compile_config`` so that a reloaded
model comes back compiled (the gap of the keras.io GAN examples).

``model.optimizer`` is ``BothOptimizers``: Keras's convention for a model of
several optimizers (its learning-rate callbacks step each of
``model.optimizer.optimizers``), and the list of every optimizer variable
that Keras's JAX trainer threads through its jitted step.
"""

import keras

from keras_gan.optimizers.adam import FusedAdam


class TwoOptimizers:
    """Mixin of ``keras.Model`` subclasses with ``generator`` and ``discriminator``.

    The subclass keeps its metrics in ``self.trackers`` (a dict of
    ``keras.metrics.Mean``); ``track_gradient_norms`` adds two to it.
    """

    def compile(
        self,
        generator_optimizer="auto",
        discriminator_optimizer="auto",
        *,
        track_gradient_norms=False,
        **kwargs,
    ):
        """Configures the two optimizers and the Keras execution options.

        Args:
            generator_optimizer: optimizer (or its name) of the generator;
                ``"auto"`` is Adam(2e-4, beta_1=0.5) (Radford et al. 2016),
                as ``keras_gan.optimizers.FusedAdam`` (one fused update kernel).
            discriminator_optimizer: the same for the discriminator.
            track_gradient_norms: also log ``d_grad_norm`` and ``g_grad_norm``,
                the global norms of each network's gradients (costs time).
            **kwargs: ``keras.Model.compile`` options such as ``jit_compile``,
                ``steps_per_execution`` and ``run_eagerly``. ``jit_compile="auto"``
                is Keras's rule: XLA on GPUs only, and not under a distribution
                strategy (``tools/benchmark.py``: on a 2-core CPU XLA is 26%
                slower for the paper MLP at k = 1, 7x slower for the DCGAN).
        """
        # Saved as asked, so "auto" is decided again where the model is loaded.
        self._requested_jit_compile = kwargs.get("jit_compile", "auto")
        # optimizer=None: the base class would otherwise create an unused
        # RMSprop that gets saved and logged.
        super().compile(optimizer=None, **kwargs)
        self.generator_optimizer = make_optimizer(
            generator_optimizer, self.generator, self.dtype_policy
        )
        self.discriminator_optimizer = make_optimizer(
            discriminator_optimizer, self.discriminator, self.dtype_policy
        )
        self.optimizer = BothOptimizers(
            self.generator_optimizer, self.discriminator_optimizer
        )
        self.track_gradient_norms = track_gradient_norms
        for name in ("d_grad_norm", "g_grad_norm"):
            self.trackers.pop(name, None)
            if track_gradient_norms:
                self.trackers[name] = keras.metrics.Mean(name=name)

    def get_compile_config(self):
        if not self.compiled:
            return {}
        config = self._compile_config.config
        return {
            "generator_optimizer": keras.optimizers.serialize(self.generator_optimizer),
            "discriminator_optimizer": keras.optimizers.serialize(
                self.discriminator_optimizer
            ),
            "run_eagerly": config["run_eagerly"],
            "steps_per_execution": config["steps_per_execution"],
            "jit_compile": self._requested_jit_compile,
            "track_gradient_norms": self.track_gradient_norms,
        }

    def compile_from_config(self, config):
        config = dict(config)
        for key in ("generator_optimizer", "discriminator_optimizer"):
            config[key] = keras.optimizers.deserialize(config[key])
        self.compile(**config)


class BothOptimizers:
    """``model.optimizer`` of a model trained by two optimizers.

    Not an optimizer itself: it lists the two (``optimizers``, as Keras's
    ``LearningRateScheduler`` and ``ReduceLROnPlateau`` expect) and their
    variables, slots and step counters of both (``variables``, which Keras's
    JAX trainer carries through its jitted step and writes back). Its
    ``iterations`` are the generator's, one per training step.
    """

    built = True  # both are built in ``compile``

    def __init__(self, generator_optimizer, discriminator_optimizer):
        self.optimizers = [generator_optimizer, discriminator_optimizer]

    @property
    def variables(self):
        return [v for optimizer in self.optimizers for v in optimizer.variables]

    @property
    def iterations(self):
        return self.optimizers[0].iterations

    def build(self, variables):
        """Nothing to build: ``compile`` built both optimizers.

        Keras calls it after ``compile_from_config`` when loading a model.
        """


def make_optimizer(optimizer, network, dtype_policy):
    """The optimizer of one network, built for its trainable variables.

    Built at once so that ``fit`` traces once and a loaded checkpoint has
    slot variables to restore into.

    Args:
        optimizer: ``"auto"`` (Adam(2e-4, beta_1=0.5), Radford et al. 2016;
            ``FusedAdam`` on TensorFlow), an optimizer name or an instance.
        network: the ``keras.Model`` it updates.
        dtype_policy: the GAN's dtype policy; ``mixed_float16`` wraps the
            optimizer in ``LossScaleOptimizer``.
    """
    if optimizer == "auto":
        fused = keras.backend.backend() == "tensorflow"
        adam = FusedAdam if fused else keras.optimizers.Adam
        optimizer = adam(learning_rate=2e-4, beta_1=0.5)
    optimizer = keras.optimizers.get(optimizer)
    # Keras wraps only `model.optimizer` for float16; the GAN has two.
    if dtype_policy.name == "mixed_float16" and not isinstance(
        optimizer, keras.optimizers.LossScaleOptimizer
    ):
        optimizer = keras.optimizers.LossScaleOptimizer(optimizer)
    optimizer.build(network.trainable_variables)
    return optimizer

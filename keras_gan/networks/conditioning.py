"""Class conditioning of the reference networks: G(z, y) and D(x, y).

A conditional GAN is the same ``GAN`` with networks that take labels: a
generator with inputs ``[latents, labels]`` and a discriminator with inputs
``[images, labels]`` (``GAN`` tells by the number of inputs). The reference
builders condition the way modern conditional GANs do:

- G: a learned class embedding joined with z (R3GAN, StyleGAN2-ADA's
  ``--cond``, keras.io's conditional GAN with a one-hot label);
- D: a projection head (Miyato & Koyama 2018, "cGANs with Projection
  Discriminator"): ``logit = psi(phi(x)) + <embed(y), phi(x)>``, where
  ``phi(x)`` are D's last features and ``psi`` its unconditional logit layer.

Labels are int32 class indices of shape ``(batch,)``.
"""

import keras
from keras import layers, ops

LABELS = "labels"


def label_input():
    """The ``labels`` input of a conditional network: int32, shape ``(batch,)``."""
    return keras.Input((), dtype="int32", name=LABELS)


def generator_inputs(latent_dim, num_classes):
    """``(inputs, latents)`` of a generator: its Keras inputs, and what its
    first layer takes: z, or with ``num_classes`` z joined with its class
    (``join_class``) from the inputs ``[latents, labels]``."""
    inputs = latents = keras.Input((latent_dim,), name="latents")
    if check_num_classes(num_classes):
        inputs = [latents, label_input()]
        latents = join_class(latents, inputs[1], num_classes)
    return inputs, latents


def join_class(latents, labels, num_classes, embedding_dim=None):
    """``[z, embed(y)]``: z joined with a learned embedding of its class.

    Args:
        latents: the latent input ``(batch, latent_dim)``.
        labels: the label input ``(batch,)``.
        num_classes: the number of classes.
        embedding_dim: size of the class embedding; default: z's size, so
            class and noise start with equal say.
    """
    embedding_dim = embedding_dim or latents.shape[-1]
    embedded = layers.Embedding(num_classes, embedding_dim, name="class_embedding")(
        labels
    )
    return layers.Concatenate(name="latents_and_class")([latents, embedded])


@keras.saving.register_keras_serializable(package="keras_gan")
class ClassProjection(layers.Layer):
    """``<embed(y), phi(x)>``: the class term of a projection discriminator.

    Miyato & Koyama (2018), Eq. 3: the inner product of D's features with a
    learned embedding of the label, added to D's unconditional logit. Computes
    in float32, as the logit layer does, so it is exact under mixed precision.

    Args:
        num_classes: the number of classes.

    Examples:
        >>> ClassProjection(10)([features, labels])  # (batch, 1)
    """

    def __init__(self, num_classes, **kwargs):
        kwargs.setdefault("dtype", "float32")
        super().__init__(**kwargs)
        self.num_classes = num_classes

    def build(self, input_shape):
        features_shape, _ = input_shape
        self.embeddings = self.add_weight(
            shape=(self.num_classes, features_shape[-1]),
            initializer="zeros",  # starts as the unconditional D
            name="embeddings",
        )

    def call(self, inputs):
        features, labels = inputs
        embedded = ops.take(self.embeddings, ops.cast(labels, "int32"), axis=0)
        features = ops.cast(features, self.compute_dtype)
        return ops.sum(embedded * features, axis=-1, keepdims=True)

    def compute_output_shape(self, input_shape):
        return (input_shape[0][0], 1)

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes}


def projection_logits(logits, features, labels, num_classes):
    """D's logits plus the projection term of ``labels`` on ``features``."""
    projection = ClassProjection(num_classes, name="class_projection")
    return layers.Add(dtype="float32", name="conditional_logits")(
        [logits, projection([features, labels])]
    )


def discriminator_model(images, features, logits, num_classes, *, name):
    """D as a ``keras.Model``: D(x), or D(x, y) with a projection head."""
    if not check_num_classes(num_classes):
        return keras.Model(images, logits, name=name)
    labels = label_input()
    logits = projection_logits(logits, features, labels, num_classes)
    return keras.Model([images, labels], logits, name=name)


def check_num_classes(num_classes):
    """Raises unless ``num_classes`` is None or an integer >= 2."""
    if num_classes is not None and (
        isinstance(num_classes, bool)
        or not isinstance(num_classes, int)
        or num_classes < 2
    ):
        raise ValueError(
            "`num_classes` must be None (unconditional) or an integer >= 2. "
            f"Received: num_classes={num_classes!r}"
        )
    return num_classes

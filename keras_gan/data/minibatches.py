"""Algorithm 1's real minibatches: a batch of k*m split into k of m.

Each of the k discriminator updates of Goodfellow et al. (2014), Algorithm 1,
samples its own minibatch of m examples. ``keras_gan.data`` batches at k*m,
and ``split`` hands each update its m images, so no real image is seen twice
in one step.
"""

from keras import ops

from keras_gan import backend


def split(real_images, discriminator_steps, image_shape):
    """Splits a batch of k*m real images into k minibatches of m.

    Args:
        real_images: a batch ``(k*m, *image_shape)``; its size may be unknown
            while tracing, and is then checked when the step runs.
        discriminator_steps: k.
        image_shape: the shape the discriminator expects.

    Returns:
        A list of k tensors ``(m, *image_shape)``.
    """
    if tuple(real_images.shape[1:]) != tuple(image_shape):
        raise ValueError(
            f"The data batch has images of shape {tuple(real_images.shape[1:])}, "
            f"but the discriminator expects {tuple(image_shape)}. Resize the "
            "data or build the networks for this image shape."
        )
    k = discriminator_steps
    batch_size = real_images.shape[0]
    if batch_size is None:
        batch_size = backend.assert_divisible(
            ops.shape(real_images)[0], k, _indivisible_message("?", k)
        )
    elif batch_size % k:
        raise ValueError(_indivisible_message(batch_size, k))
    parts = ops.reshape(real_images, (k, batch_size // k, *image_shape))
    return [parts[index] for index in range(k)]


def split_labels(labels, discriminator_steps, batch_size):
    """Splits the k*m labels of a batch into k minibatches of m, as ``split``.

    Args:
        labels: int labels ``(k*m,)``, one per image of the batch.
        discriminator_steps: k.
        batch_size: the number of images in the batch (k*m), to check against.

    Returns:
        A list of k int32 tensors ``(m,)``.
    """
    if len(labels.shape) != 1:
        raise ValueError(
            "Labels must be one integer class index per image, shape (batch,); "
            f"received a batch of labels of shape {tuple(labels.shape)}."
        )
    known = labels.shape[0], batch_size
    if all(isinstance(size, int) for size in known) and known[0] != known[1]:
        raise ValueError(
            f"A batch holds {known[1]} images but {known[0]} labels; give one label "
            "per image."
        )
    k = discriminator_steps
    parts = ops.reshape(ops.cast(labels, "int32"), (k, -1))
    return [parts[index] for index in range(k)]


def check_discriminator_steps(discriminator_steps):
    """Raises ``ValueError`` unless k is an integer >= 1."""
    if not isinstance(discriminator_steps, int) or discriminator_steps < 1:
        raise ValueError(
            "`discriminator_steps` must be an integer >= 1 (discriminator updates per "
            f"generator update). Received: discriminator_steps={discriminator_steps!r}"
        )


def _indivisible_message(batch_size, k):
    return (
        f"A batch of {batch_size} real images cannot be split into "
        f"discriminator_steps={k} minibatches of equal size: each discriminator "
        "update needs its own m images, so batches must hold k*m images. Batch with "
        "keras_gan.data (which batches at k*m and drops the remainder) or use "
        "`dataset.batch(k * m, drop_remainder=True)`."
    )


def check_step_batch(num_images, batch_size, discriminator_steps):
    """Returns k*m, the images of one step; raises unless 1 <= k*m <= N."""
    for name, value in (
        ("batch_size", batch_size),
        ("discriminator_steps", discriminator_steps),
    ):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"`{name}` must be an integer >= 1. Received: {value!r}")
    step_batch = batch_size * discriminator_steps
    if step_batch > num_images:
        raise ValueError(
            f"`batch_size` * `discriminator_steps` = {batch_size} * "
            f"{discriminator_steps} = {step_batch} images per training step, but "
            f"the dataset has only {num_images} images. Use a smaller batch size "
            "or more data."
        )
    return step_batch

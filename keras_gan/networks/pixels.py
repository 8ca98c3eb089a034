"""The pixel-range convention of every generator.

A generator ending in ``sigmoid`` produces images in [0, 1], one ending in
``tanh`` produces images in [-1, 1]. ``output_range`` reads the range off a
generator, and ``keras_gan.data`` scales real images to the same range, so D
always compares like with like.
"""

PIXEL_RANGES = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}


def output_range(generator):
    """Returns ``(low, high)``, the pixel range of ``generator``'s images.

    Read from the activation of its last layer that has one: ``sigmoid`` gives
    (0, 1), ``tanh`` gives (-1, 1).
    """
    for layer in reversed(generator.layers):
        activation = getattr(layer, "activation", None)
        name = getattr(activation, "__name__", None)
        if name in PIXEL_RANGES:
            return PIXEL_RANGES[name]
        if name not in (None, "linear"):
            break
    raise ValueError(
        f"Cannot tell the pixel range of generator {generator.name!r}: its last "
        "activation is not 'sigmoid' ([0, 1]) or 'tanh' ([-1, 1]). End the "
        "generator with one of them, or pass the range explicitly."
    )

"""What a GAN reads off its two networks: sizes, image shape, classes.

The latent size is G's first input's; the image shape is G's output and D's
first input, which must agree; networks with a second input, ``labels``,
make the GAN conditional (``keras_gan.networks.conditioning`` builds them).
"""

import keras


def first_input_shape(network):
    """The shape of a network's first input (latents or images)."""
    shape = network.input_shape
    return shape[0] if isinstance(shape, list) else shape


def num_classes(generator, discriminator, given=None):
    """The classes of a conditional GAN, None for an unconditional one.

    Networks with two inputs (``[latents, labels]``, ``[images, labels]``) are
    conditional; their class count is ``given`` or the input size of
    the generator's first ``Embedding`` layer.
    """
    counts = [len(network.inputs or [None]) for network in (generator, discriminator)]
    if counts == [1, 1]:
        if given is not None:
            raise ValueError(
                f"`num_classes`={given!r} asks for a conditional GAN, but the "
                "generator and discriminator take no labels. Build them with "
                "num_classes (e.g. networks.dcgan_generator(..., num_classes=10))."
            )
        return None
    if counts != [2, 2]:
        raise ValueError(
            "A conditional GAN needs a generator with inputs [latents, labels] and "
            "a discriminator with inputs [images, labels]; received a generator "
            f"with {counts[0]} input(s) and a discriminator with {counts[1]}."
        )
    if given is None:
        embeddings = [
            layer.input_dim
            for layer in generator._flatten_layers()
            if isinstance(layer, keras.layers.Embedding)
        ]
        if not embeddings:
            raise ValueError(
                "The networks take labels, but the number of classes cannot be read "
                "off the generator (it has no Embedding layer): pass `num_classes`."
            )
        given = embeddings[0]
    return given


def class_names(class_names, num_classes):
    if class_names is None:
        return None
    names = [str(name) for name in class_names]
    if num_classes is None or len(names) != num_classes:
        raise ValueError(
            f"`class_names` must name each of the num_classes={num_classes} classes; "
            f"received {len(names)} names."
        )
    return names


def image_shape(generator, discriminator, latent_dim, num_classes=None):
    """The image shape of G's output and D's input; an error if they differ."""
    inputs = (
        (None, latent_dim) if num_classes is None else [(None, latent_dim), (None,)]
    )
    produced = tuple(generator.compute_output_shape(inputs)[1:])
    expected = tuple(first_input_shape(discriminator)[1:])
    if produced != expected:
        raise ValueError(
            f"The generator produces images of shape {produced}, but the "
            f"discriminator expects inputs of shape {expected}. Build both networks "
            "for the same image shape."
        )
    return expected


def generator_classes(generator):
    """The classes of a bare generator: None for one input, else its Embedding's."""
    if len(generator.inputs or [None]) == 1:
        return None
    return num_classes(generator, generator)

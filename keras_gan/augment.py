"""DiffAugment: differentiable augmentations of everything D sees.

Zhao et al. (2020), "Differentiable Augmentation for Data-Efficient GAN
Training": augment real *and* generated images with the same random family of
transformations, every time D sees them (in the G update too), and let
gradients flow through the augmentation to G. With little data this stops D
from memorising the training set.

Each augmentation is a pure function of NHWC images (any channel count, a
batch size that may be unknown while tracing) and ``draw``: ``draw(shape)``
returns float32 U(0, 1) noise of that shape, e.g. from
``keras_gan.noise.uniform_stream``. The same draws give the same output.

Pixel range: the colour offsets are the paper's, which trains on images in
[-1, 1]; on [0, 1] images the brightness shift of up to 0.5 is twice as
strong relative to the range. Nothing is clipped, as in the paper.
"""

import keras
from keras import ops


def translation(images, draw, ratio=0.125):
    """Shifts each image by whole pixels, filling the uncovered border with 0.

    Each image moves down by ``dy`` and right by ``dx``, drawn uniformly from
    the integers in ``[-s, s]`` with ``s = round(ratio * side)``. One
    ``draw((batch, 2))``.

    Args:
        images: NHWC images with known height and width.
        draw: ``draw(shape)`` -> float32 U(0, 1) noise.
        ratio: the largest shift, as a fraction of the side.

    Examples:
        >>> translation(images, uniform_stream(seed, step, 0), ratio=0.125)
    """
    images = ops.convert_to_tensor(images)
    height, width = _sides(images)
    noise = draw((ops.shape(images)[0], 2))
    for axis, side in ((1, height), (2, width)):
        largest = int(side * ratio + 0.5)
        # U(0, 1) -> a uniform integer in [-largest, largest].
        offsets = ops.floor(noise[:, axis - 1] * (2 * largest + 1)) - largest
        images = _shift(images, ops.cast(offsets, "int32"), axis)
    return images


def cutout(images, draw, ratio=0.5):
    """Zeros one square per image, ``round(ratio * side)`` pixels on a side.

    The square's centre is uniform over the image, so a square near the
    border is clipped by it, as in the paper. One ``draw((batch, 2))``.

    Args:
        images: NHWC images with known height and width.
        draw: ``draw(shape)`` -> float32 U(0, 1) noise.
        ratio: the square's side, as a fraction of the image's.

    Examples:
        >>> cutout(images, uniform_stream(seed, step, 0), ratio=0.5)
    """
    images = ops.convert_to_tensor(images)
    height, width = _sides(images)
    noise = draw((ops.shape(images)[0], 2))
    inside = []
    for axis, side in ((0, height), (1, width)):
        size = int(side * ratio + 0.5)
        # Centres 0 .. side - size % 2, so even squares can touch both borders.
        centre = ops.floor(noise[:, axis] * (side + 1 - size % 2))
        start = ops.cast(centre, "int32")[:, None] - size // 2
        positions = ops.arange(side, dtype="int32")[None, :]
        inside.append((positions >= start) & (positions < start + size))
    hole = inside[0][:, :, None] & inside[1][:, None, :]
    keep = ops.cast(ops.logical_not(hole), images.dtype)[..., None]
    return images * keep


def color(images, draw):
    """Random brightness, saturation and contrast, in that order.

    Per image: add ``b - 0.5``; scale the distance to the pixel's channel
    mean by ``2 s``; scale the distance to the image's mean by ``c + 0.5``,
    with ``b, s, c ~ U(0, 1)`` from three ``draw((batch, 1, 1, 1))`` calls. So
    draws of 0.5 leave the images exactly unchanged. Saturation does nothing
    to single-channel images.

    Args:
        images: NHWC images.
        draw: ``draw(shape)`` -> float32 U(0, 1) noise.

    Examples:
        >>> color(images, uniform_stream(seed, step, 0))
    """
    images = ops.convert_to_tensor(images)
    shape = (ops.shape(images)[0], 1, 1, 1)
    brightness, saturation, contrast = (
        ops.cast(draw(shape), images.dtype) for _ in range(3)
    )
    images = images + (brightness - 0.5)
    images = _scale_around(
        images, ops.mean(images, axis=-1, keepdims=True), 2 * saturation
    )
    return _scale_around(
        images, ops.mean(images, axis=(1, 2, 3), keepdims=True), contrast + 0.5
    )


_AUGMENTATIONS = {"translation": translation, "cutout": cutout, "color": color}


@keras.saving.register_keras_serializable(package="keras_gan")
class DiffAugment:
    """A DiffAugment policy: the named augmentations, applied in order.

    Call it on every batch D sees, real and generated, in both updates, with
    fresh ``draw`` noise each time (Zhao et al. 2020).

    Args:
        policy: comma-separated names from ``"translation"``, ``"cutout"``
            and ``"color"``; ``""`` applies nothing.
        translation_ratio: the largest shift, as a fraction of the side.
        cutout_ratio: the cutout square's side, as a fraction of the image's.

    Examples:
        >>> augment = DiffAugment("translation,cutout,color")
        >>> logits = discriminator(augment(images, uniform_stream(seed, step, 0)))
    """

    def __init__(
        self,
        policy="translation,cutout,color",
        *,
        translation_ratio=0.125,
        cutout_ratio=0.5,
    ):
        self.policy = policy
        self.translation_ratio = translation_ratio
        self.cutout_ratio = cutout_ratio
        if not isinstance(policy, str):
            raise ValueError(
                "`policy` must be a string of comma-separated names, e.g. "
                f"'translation,cutout'. Received: policy={policy!r}"
            )
        self._names = [name.strip() for name in policy.split(",") if name.strip()]
        unknown = [name for name in self._names if name not in _AUGMENTATIONS]
        if unknown:
            raise ValueError(
                f"Unknown augmentation {unknown[0]!r} in `policy`. Expected "
                f"comma-separated names from {sorted(_AUGMENTATIONS)}. "
                f"Received: policy={policy!r}"
            )

    def __call__(self, images, draw):
        ratios = {"translation": self.translation_ratio, "cutout": self.cutout_ratio}
        for name in self._names:
            extra = (ratios[name],) if name in ratios else ()
            images = _AUGMENTATIONS[name](images, draw, *extra)
        return images

    def get_config(self):
        return {
            "policy": self.policy,
            "translation_ratio": self.translation_ratio,
            "cutout_ratio": self.cutout_ratio,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _shift(images, offsets, axis):
    """Moves each image ``offsets[b]`` pixels along ``axis``; zero fill."""
    side = images.shape[axis]
    # Output pixel i reads input pixel i - offset, if there is one.
    sources = ops.arange(side, dtype="int32")[None, :] - offsets[:, None]
    valid = (sources >= 0) & (sources < side)
    index_shape = (-1, side, 1, 1) if axis == 1 else (-1, 1, side, 1)
    sources = ops.reshape(ops.clip(sources, 0, side - 1), index_shape)
    moved = ops.take_along_axis(images, sources, axis=axis)
    return moved * ops.reshape(ops.cast(valid, images.dtype), index_shape)


def _scale_around(images, centre, factor):
    # factor * x + (1 - factor) * centre, not centre + factor * (x - centre):
    # at factor 1 this is exactly x in floating point.
    return factor * images + (1.0 - factor) * centre


def _sides(images):
    if len(images.shape) != 4 or None in tuple(images.shape[1:3]):
        raise ValueError(
            "DiffAugment needs NHWC images of known height and width. Received: "
            f"images.shape={tuple(images.shape)}"
        )
    return images.shape[1], images.shape[2]

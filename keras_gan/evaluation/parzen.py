"""Parzen-window log-likelihood, the protocol of Goodfellow et al. (2014).

A Gaussian kernel density estimate is fitted to generated samples (the
kernel centres) and the log-likelihood of held-out real images under it is
reported (Breuleux et al. 2011; Table 1 of the GAN paper). The protocol of
the paper's ``parzen_ll.py`` (goodfeli/adversarial): 10,000 samples in [0, 1]
pixel space, an isotropic Gaussian kernel whose sigma is the best of
``np.logspace(-1, 0, 10)`` by mean log-likelihood of 1,000 validation images,
and the mean log-likelihood of the test images reported with its standard
error ``std / sqrt(N)`` (population std, as ``numpy.std``).

The estimate is known to reward smooth, blurry samples and to be far from the
true likelihood in high dimensions (Theis et al. 2016, "A note on the
evaluation of generative models"): report it beside the Frechet distance and
coverage, never alone.
"""

import numpy as np

from keras_gan.export import as_sampler

PAPER_SIGMAS = np.logspace(-1, 0, 10)


def parzen_log_likelihood(
    samples, test, validation, sigmas=PAPER_SIGMAS, *, batch_size=500, verbose=1
):
    """The paper's Parzen-window estimate of the test log-likelihood.

    Args:
        samples: generated images in [0, 1], any shape (N, ...); the kernel
            centres (the paper uses 10,000).
        test: real held-out images in [0, 1], same per-image shape.
        validation: real images that choose sigma (the paper: the first 1,000
            of MNIST's train[50000:60000]).
        sigmas: candidate kernel widths, in pixel units of [0, 1].
        batch_size: test images per distance block (memory ~ batch x N x 8 B).
        verbose: 1 shows a progress bar, 0 is silent.

    Returns:
        A dict with ``log_likelihood`` (mean, nats), ``standard_error``,
        ``sigma`` (the chosen width) and ``validation_log_likelihoods`` (one
        per candidate sigma).

    Examples:
        >>> result = parzen_log_likelihood(gan.sample(10000, seed=0), x_test, x_valid)
        >>> result["log_likelihood"], result["standard_error"], result["sigma"]
    """
    centres = _flatten(samples, "samples")
    test = _flatten(test, "test", centres.shape[1])
    validation = _flatten(validation, "validation", centres.shape[1])
    sigmas = np.asarray(sigmas, dtype="float64").ravel()
    if sigmas.size == 0 or np.any(sigmas <= 0):
        raise ValueError(f"`sigmas` must be positive numbers. Received: {sigmas}")
    progress = _progress_bar(len(validation) + len(test), verbose)
    # Squared distances do not depend on sigma: one pass serves every candidate.
    validation_ll = np.mean(
        log_densities(validation, centres, sigmas, batch_size, progress), axis=0
    )
    sigma = float(sigmas[np.argmax(validation_ll)])
    test_ll = log_densities(test, centres, [sigma], batch_size, progress)[:, 0]
    return {
        "log_likelihood": float(test_ll.mean()),
        "standard_error": float(test_ll.std() / np.sqrt(len(test_ll))),
        "sigma": sigma,
        "validation_log_likelihoods": [float(value) for value in validation_ll],
    }


class ParzenScore:
    """A GAN's Parzen log-likelihood of held-out images: a score to monitor.

    Called with a GAN (or anything ``keras_gan.export.as_sampler`` reads), it
    draws ``num_samples`` images with ``seed`` and returns the mean Parzen
    log-likelihood (nats, higher is better) of ``images`` under them, the
    kernel width chosen on ``sigma_images`` as the paper's protocol does. The
    GAN paper's pylearn2 runs kept the model that scored best on validation
    data; ``keras_gan.training.callbacks.KeepBest(path, ParzenScore(...))``
    does the same. Monitor on images that are neither trained on nor the test
    set the final number is reported on.

    Args:
        images: held-out real images in [0, 1] (N, H, W, C) that are scored.
        sigma_images: real images in [0, 1] that choose the kernel width.
        num_samples: generated images, the kernel centres (the paper's
            10,000; fewer are faster and score lower).
        seed: the seed of those images, the same at every call so that the
            scores of one run differ only by training.
        use_ema: score a GAN's moving-average generator.
        sigmas: candidate kernel widths.

    Examples:
        >>> real = evaluation.load_real("../shared/data/mnist.npz")
        >>> score = ParzenScore(real.train[51_000:53_000], real.validation)
        >>> score(gan)  # nats
    """

    def __init__(
        self,
        images,
        sigma_images,
        *,
        num_samples=10_000,
        seed=1,
        use_ema=False,
        sigmas=PAPER_SIGMAS,
    ):
        if not isinstance(num_samples, int) or num_samples < 1:
            raise ValueError(
                f"`num_samples` must be an integer >= 1. Received: {num_samples!r}"
            )
        self.images = _flatten(images, "images")
        self.sigma_images = _flatten(sigma_images, "sigma_images", self.images.shape[1])
        self.num_samples = num_samples
        self.seed = seed
        self.use_ema = use_ema
        self.sigmas = sigmas

    def __call__(self, gan):
        samples = as_sampler(gan, use_ema=self.use_ema).sample(
            self.num_samples, self.seed
        )
        result = parzen_log_likelihood(
            samples, self.images, self.sigma_images, self.sigmas, verbose=0
        )
        return result["log_likelihood"]


def log_densities(points, centres, sigmas, batch_size=500, progress=None):
    """log p(x) of each point under the Parzen window of each sigma.

    ``log p(x) = logmeanexp_j(-||x - c_j||^2 / (2 sigma^2)) - D log(sigma
    sqrt(2 pi))``, computed in float64 with the maximum factored out, in
    blocks of ``batch_size`` points.

    Args:
        points: float array (M, D) (or images (M, ...), flattened).
        centres: float array (N, D) (or images), the kernel centres.
        sigmas: sequence of S kernel widths.
        batch_size: points per block.
        progress: optional ``keras.utils.Progbar`` advanced per block.

    Returns:
        float64 array (M, S).
    """
    centres = np.asarray(centres, dtype="float64").reshape(len(centres), -1)
    points = np.asarray(points).reshape(len(points), -1)
    sigmas = np.asarray(sigmas, dtype="float64")
    centre_norms = np.sum(centres**2, axis=1)
    dimension = centres.shape[1]
    normaliser = dimension * np.log(sigmas * np.sqrt(2.0 * np.pi))
    blocks = []
    for start in range(0, len(points), batch_size):
        block = np.asarray(points[start : start + batch_size], dtype="float64")
        squared = (
            np.sum(block**2, axis=1)[:, None]
            + centre_norms[None, :]
            - 2.0 * block @ centres.T
        )
        np.maximum(squared, 0.0, out=squared)  # rounding can dip below zero
        columns = [_log_mean_exp(-squared / (2.0 * sigma**2)) for sigma in sigmas]
        blocks.append(np.stack(columns, axis=1) - normaliser)
        if progress is not None:
            progress.add(len(block))
    return np.concatenate(blocks, axis=0)


def _log_mean_exp(values):
    peak = np.max(values, axis=-1, keepdims=True)
    return peak[..., 0] + np.log(np.mean(np.exp(values - peak), axis=-1))


def _flatten(images, name, dimension=None):
    images = np.asarray(images)
    if images.ndim < 2 or len(images) == 0:
        raise ValueError(
            f"`{name}` must be a non-empty batch of images (N, ...). Received "
            f"shape {images.shape}."
        )
    flat = images.reshape(len(images), -1)
    if dimension is not None and flat.shape[1] != dimension:
        raise ValueError(
            f"`{name}` images have {flat.shape[1]} values each but the samples "
            f"have {dimension}; they must have the same shape."
        )
    if flat.min() < 0.0 or flat.max() > 1.0:
        raise ValueError(
            f"`{name}` must be in [0, 1] pixel space (the paper's protocol); "
            f"received values in [{flat.min()}, {flat.max()}]."
        )
    return flat


def _progress_bar(total, verbose):
    if not verbose:
        return None
    import keras

    return keras.utils.Progbar(total, unit_name="image")

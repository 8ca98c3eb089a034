"""Class-conditional reference networks: G(z, y) and a projection D(x, y)."""

import keras
import numpy as np
import pytest

from keras_gan import networks
from keras_gan.networks import conditioning

pytestmark = pytest.mark.core


def test_the_projection_term_is_the_inner_product_of_class_embedding_and_features():
    projection = conditioning.ClassProjection(3)
    features = np.array([[1.0, 2.0], [3.0, -1.0]], "float32")
    labels = np.array([2, 0], "int32")
    projection.build(((None, 2), (None,)))
    projection.embeddings.assign(np.array([[1, 0], [0, 1], [0.5, -2]], "float32"))
    got = keras.ops.convert_to_numpy(projection([features, labels]))
    # Miyato & Koyama (2018), Eq. 3: <embed(y), phi(x)>.
    np.testing.assert_allclose(got, [[0.5 * 1 - 2 * 2], [1 * 3 + 0 * -1]], rtol=1e-6)


@pytest.mark.parametrize(
    "build",
    [
        lambda c: (
            networks.dcgan_generator(8, (8, 8, 1), width=4, num_classes=c),
            networks.dcgan_discriminator((8, 8, 1), width=4, num_classes=c),
        ),
        lambda c: (
            networks.paper_mnist_generator(8, (4, 4, 1), num_classes=c),
            networks.paper_mnist_discriminator((4, 4, 1), num_classes=c),
        ),
        lambda c: (
            networks.residual_generator(8, (8, 8, 1), width=4, num_classes=c),
            networks.residual_discriminator((8, 8, 1), width=4, num_classes=c),
        ),
    ],
    ids=["dcgan", "paper_mlp", "residual"],
)
def test_reference_pairs_take_labels_with_num_classes(build):
    generator, discriminator = build(5)
    assert [i.name for i in generator.inputs] == ["latents", "labels"]
    assert [i.name for i in discriminator.inputs] == ["images", "labels"]
    latents = np.random.default_rng(0).normal(size=(4, 8)).astype("float32")
    labels = keras.ops.convert_to_tensor(np.array([0, 1, 2, 4], "int32"))
    images = generator([keras.ops.convert_to_tensor(latents), labels])
    logits = keras.ops.convert_to_numpy(discriminator([images, labels]))
    assert logits.shape == (4, 1) and logits.dtype == np.float32
    # With num_classes=None the networks are today's: one input each.
    plain_generator, plain_discriminator = build(None)
    assert len(plain_generator.inputs) == len(plain_discriminator.inputs) == 1


def test_the_class_changes_what_the_generator_draws():
    generator = networks.dcgan_generator(8, (8, 8, 1), width=4, num_classes=3)
    latents = keras.ops.convert_to_tensor(np.ones((2, 8), "float32"))
    labels = keras.ops.convert_to_tensor(np.array([0, 2], "int32"))
    images = keras.ops.convert_to_numpy(generator([latents, labels]))
    assert not np.allclose(images[0], images[1])


def test_num_classes_must_be_an_integer_of_at_least_two():
    with pytest.raises(ValueError, match="num_classes.*integer >= 2.*1"):
        networks.dcgan_generator(8, (8, 8, 1), num_classes=1)

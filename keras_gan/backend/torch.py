"""The training-step seam on PyTorch: eager autograd, Keras's torch conventions.

A step is what Keras's own torch trainer does: clear the gradients of the
weights being trained, ``backward`` on the (scaled) loss, read ``.grad``, then
``optimizer.apply`` under ``torch.no_grad``. ``backward`` is told which weights
it is for, so the generator's update does not also fill the
discriminator's ``.grad`` (and the reverse).
"""

import torch
from keras import ops

# Shared by the JAX and torch seams; keras_gan.backend takes them from here.
from keras_gan.backend._common import (  # noqa: F401
    assert_divisible,
    gradient_norm,
    in_multi_worker_mode,
    scale_loss,
    worker_logs,
)


class StepTrainer:
    """Keras's torch trainer calls ``train_step(data)`` eagerly: nothing to add."""


def sync_state(model):
    """Variables are always current on torch."""


def compute_gradients(loss_fn, variables, optimizer):
    """``(loss, aux, gradients)`` of ``loss, aux = loss_fn()`` for ``optimizer``."""
    weights = [variable.value for variable in variables]
    for weight in weights:  # zero_grad, for these weights only
        weight.grad = None
    loss, aux = loss_fn()
    scale_loss(optimizer, loss).backward(inputs=weights)
    gradients = [weight.grad for weight in weights]
    return loss.detach(), _detached(aux), gradients


def _detached(tree):
    if isinstance(tree, torch.Tensor):
        return tree.detach()
    if isinstance(tree, tuple | list):
        return type(tree)(_detached(item) for item in tree)
    return tree


def input_gradients(fn, inputs):
    """``(fn(inputs), d sum(fn(inputs)) / d inputs)``, differentiable again.

    ``create_graph=True`` records the gradient computation itself, so a
    penalty on these gradients trains the network when it is backpropagated.
    """
    if not inputs.requires_grad:
        inputs = inputs.detach().requires_grad_(True)
    outputs = fn(inputs)
    total = ops.sum(ops.cast(outputs, "float32"))
    (gradients,) = torch.autograd.grad(total, inputs, create_graph=True)
    return outputs, gradients


def cond(pred, true_fn, false_fn):
    """``ops.cond`` (the JAX seam discards what a branch assigns)."""
    return ops.cond(pred, true_fn, false_fn)


def apply_gradients(optimizer, gradients, variables):
    with torch.no_grad():
        optimizer.apply(gradients, variables)


# Noise: torch generators seeded with a hash of the integers, drawn on the CPU
# (so a seed names the same numbers on every device) and moved to the device.

_MASK = 2**64 - 1


def random_key(seed, salt):
    return fold_in(_mix(int(ops.convert_to_numpy(seed))), salt)


def fold_in(key, value):
    return _mix(key ^ _mix(int(ops.convert_to_numpy(value)) + 0x632BE59BD9B4E019))


def _mix(value):
    """SplitMix64's finaliser: a bijection of 64-bit integers that mixes all bits."""
    value = (value + 0x9E3779B97F4A7C15) & _MASK
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & _MASK
    return value ^ (value >> 31)


def random_bits(shape, key):
    """Integers in [0, 2**32) of ``shape`` (int64), a pure function of ``key``."""
    generator = torch.Generator(device="cpu").manual_seed(key)
    shape = tuple(int(size) for size in shape)
    bits = torch.randint(0, 2**32, shape, generator=generator, dtype=torch.int64)
    return ops.convert_to_tensor(bits)


def inverse_normal_cdf(uniform):
    return torch.special.ndtri(uniform)


def replica_rows(make, shape):
    return make(shape)

"""What ``tools/benchmark.py --backend`` compares: backends, models, sizes."""

BACKENDS = ("tensorflow", "jax", "torch")
PLAIN_TORCH = "plain-torch"
# Backend-comparison models: name -> (keras_gan.networks.NETWORKS key, m,
# timed steps per run: a few seconds each on two cores with TensorFlow).
COMPARISON_MODELS = {
    "paper MLP": ("paper", 100, 60),
    "DCGAN-28": ("dcgan", 64, 24),
}
LATENT_DIM = 100
IMAGE_SHAPE = (28, 28, 1)
WARMUP_STEPS = 3

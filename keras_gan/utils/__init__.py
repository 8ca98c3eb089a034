"""Helpers every layer may use, importing nothing else of keras_gan.

- ``atomic``: writes that a crash never leaves half done (``atomic_path``,
  ``save_model``).
- ``console``: the ``keras-gan`` command's TensorFlow log level, set before
  TensorFlow loads.
- ``images``: uint8 pixels, image grids and PNG files.
- ``requirements``: optional packages (TensorFlow, LiteRT, tfds) imported
  where a feature needs them, with one line that says what to install.
"""

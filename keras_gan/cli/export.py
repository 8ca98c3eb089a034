"""``keras-gan export``: a trained generator as a SavedModel, .tflite or web page."""

from keras_gan.export import litert
from keras_gan.utils.requirements import import_tensorflow


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "export",
        help="export a trained generator as a SavedModel, a .tflite file and/or a "
        "web page",
        description="Export the generator of a .keras GAN: a SavedModel with "
        "serve/serving_default (latents -> images) and sample (num_samples, seed "
        "-> uint8 images), and/or a LiteRT .tflite file with serving_default and "
        "sample, and/or a static web page that samples that .tflite in the browser "
        "with LiteRT.js. See export/README.md.",
    )
    parser.add_argument("--model", required=True, help="RUN/gan.keras")
    parser.add_argument("--saved-model", metavar="DIR", help="SavedModel to write")
    parser.add_argument("--tflite", metavar="FILE", help=".tflite file to write")
    parser.add_argument(
        "--web",
        metavar="DIR",
        help="static page to write (index.html, gan.tflite, LiteRT.js); serve it "
        "with e.g. python -m http.server",
    )
    parser.add_argument(
        "--web-runtime",
        default="auto",
        metavar="auto|cdn|NODE_MODULES",
        help="where the page gets LiteRT.js: copied from node_modules (auto: the "
        "page's npm ci, or ./node_modules; else the CDN), the CDN, or this "
        "node_modules folder (default: auto)",
    )
    parser.add_argument(
        "--quantize",
        choices=litert.QUANTIZATIONS,
        default="none",
        help=".tflite (and --web) weights: float32 (none), float16, int8 weights "
        "(dynamic) or int8 weights and activations (int8, latents-in signature "
        "only) (default: none)",
    )
    parser.add_argument(
        "--ema", action="store_true", help="export the moving-average generator"
    )
    parser.set_defaults(run=run)


def run(args):
    if not (args.saved_model or args.tflite or args.web):
        raise ValueError(
            "Nothing to export: give --saved-model DIR, --tflite FILE and/or --web DIR."
        )
    import_tensorflow("`keras-gan export`")  # before the model loads
    from keras_gan import export

    if args.saved_model:
        path = export.export_saved_model(args.model, args.saved_model, use_ema=args.ema)
        print(f"wrote SavedModel {path}")
    if args.tflite:
        report = export.export_tflite(
            args.model, args.tflite, quantize=args.quantize, use_ema=args.ema
        )
        print(f"wrote {report}")
    if args.web:
        written = export.export_web(
            args.model,
            args.web,
            use_ema=args.ema,
            quantize=args.quantize,
            runtime=args.web_runtime,
        )
        print(f"wrote {written}")

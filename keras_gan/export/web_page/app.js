// The page: LiteRT.js runs the generator's `serving_default` signature on the
// CPU (WebAssembly); latents come from sampling.js, the seed hash of the
// .tflite `sample` signature, so a seed shows what sample_litert.py shows.
//
// LiteRT.js 2.5.3 runs static shapes only: it cannot run `sample` (its output
// size depends on num_samples), and it needs a fixed batch, so the export
// fixes serving_default's batch and the page pads the last batch.

import {loadAndCompile, loadLiteRt, Tensor} from "@litertjs/core";
import {hashLatents, interpolate, tile, toUint8, truncate} from "./sampling.js";

const GRID_SAMPLES = 16;
const DISPLAY_WIDTH = 320; // CSS pixels of the grid; canvases hold 1:1 pixels
const INT32 = [-(2 ** 31), 2 ** 31 - 1];

// What a test or the console can read: state, timings, the last draw.
const page = (window.kerasGan = {ready: false, draws: 0, busy: false, error: null});
const $ = (id) => document.getElementById(id);

function status(text) {
  $("status").textContent = text;
}

function fail(error) {
  page.error = String(error && error.message ? error.message : error);
  $("error").textContent = page.error;
  $("error").hidden = false;
  console.error(error);
}

/** A function from latents (n * latentDim) and a class to float images. */
function generator(model, meta) {
  const runner = model.signatures.serving_default;
  if (!runner) throw new Error("The .tflite file has no serving_default signature.");
  const inputs = Object.fromEntries(runner.getInputDetails().map((d) => [d.name, d]));
  if (!inputs.latents) {
    throw new Error(`serving_default has no \`latents\` input: ${Object.keys(inputs)}`);
  }
  const batch = inputs.latents.shape[0]; // -1 where the runtime allows any batch
  const imageSize = meta.image_shape.reduce((a, b) => a * b, 1);
  return async function generate(latents, label) {
    const count = latents.length / meta.latent_dim;
    const size = batch > 0 ? batch : count;
    const images = new Float32Array(count * imageSize);
    for (let start = 0; start < count; start += size) {
      const rows = new Float32Array(size * meta.latent_dim); // zero-padded
      rows.set(latents.subarray(start * meta.latent_dim, (start + size) * meta.latent_dim));
      const feed = {latents: new Tensor(rows, [size, meta.latent_dim])};
      if (inputs.labels) feed.labels = new Tensor(new Int32Array(size).fill(label), [size]);
      const outputs = await runner.run(feed);
      const used = Math.min(size, count - start);
      const output = outputs.images ?? Object.values(outputs)[0];
      images.set(output.toTypedArray().subarray(0, used * imageSize), start * imageSize);
      for (const tensor of [...Object.values(feed), ...Object.values(outputs)]) tensor.delete();
    }
    return images;
  };
}

function paint(canvas, pixels, count, shape, columns) {
  const grid = tile(pixels, count, shape, columns);
  canvas.width = grid.width;
  canvas.height = grid.height;
  canvas.getContext("2d").putImageData(new ImageData(grid.rgba, grid.width, grid.height), 0, 0);
  // Whole multiples of the image pixels, drawn sharp by CSS (image-rendering).
  const scale = Math.max(1, Math.floor(DISPLAY_WIDTH / grid.width));
  canvas.style.width = `${grid.width * scale}px`;
}

function readInt(id) {
  const value = Number($(id).value);
  if (!Number.isInteger(value) || value < INT32[0] || value > INT32[1]) {
    throw new Error(`${$(id).labels[0].textContent} must be an int32, got ${$(id).value}`);
  }
  return value;
}

function controls(meta) {
  const psi = Number($("truncation").value);
  return {
    seed: readInt("seed"),
    psi,
    label: meta.num_classes ? Number($("label").value) : 0,
    seedA: readInt("seed-a"),
    seedB: readInt("seed-b"),
    steps: Math.min(16, Math.max(2, readInt("steps"))),
  };
}

async function draw(generate, meta) {
  const started = performance.now();
  const c = controls(meta);
  $("truncation-value").textContent = c.psi.toFixed(2);
  const dim = meta.latent_dim;
  const shape = meta.image_shape;
  const distribution = meta.latent_distribution;
  const grid = truncate(hashLatents(GRID_SAMPLES, dim, c.seed, distribution), c.psi);
  const gridPixels = toUint8(await generate(grid, c.label), meta.value_range);
  paint($("grid"), gridPixels, GRID_SAMPLES, shape);
  // The first latents of each seed, as the first image of its grid.
  const ends = [c.seedA, c.seedB].map((seed) => hashLatents(1, dim, seed, distribution));
  const path = truncate(interpolate(ends[0], ends[1], c.steps, distribution), c.psi);
  const stripPixels = toUint8(await generate(path, c.label), meta.value_range);
  paint($("strip"), stripPixels, c.steps, shape, c.steps);
  const milliseconds = performance.now() - started;
  page.last = {...c, milliseconds, gridPixels, stripPixels};
  page.draws += 1;
  status(`${GRID_SAMPLES + c.steps} images in ${milliseconds.toFixed(1)} ms`);
}

/** Redraws on every change; changes during a draw coalesce into one more. */
function redrawer(generate, meta) {
  let pending = false;
  return async function request() {
    pending = true;
    if (page.busy) return;
    page.busy = true;
    while (pending) {
      pending = false;
      try {
        $("error").hidden = true;
        await draw(generate, meta);
      } catch (error) {
        fail(error);
      }
    }
    page.busy = false;
  };
}

function describe(meta) {
  const runtime = meta.litertjs;
  const where = runtime.source === "cdn" ? "from the jsDelivr CDN" : "copied from npm";
  $("model").textContent =
    `latent_dim ${meta.latent_dim}, ${meta.latent_distribution} latents, ` +
    `images ${meta.image_shape.join("×")} in [${meta.value_range.join(", ")}]; ` +
    `LiteRT.js ${runtime.version} (${where}), WebAssembly CPU`;
  if (meta.num_classes) {
    for (let index = 0; index < meta.num_classes; index++) {
      const option = new Option(meta.class_names?.[index] ?? `class ${index}`, index);
      $("label").add(option);
    }
    $("label-control").hidden = false;
  }
}

async function main() {
  const response = await fetch("model.json");
  if (!response.ok) throw new Error(`model.json: HTTP ${response.status}`);
  const meta = await response.json();
  describe(meta);
  status("loading LiteRT.js…");
  await loadLiteRt(meta.litertjs.wasm);
  page.runtimeLoadedMs = performance.now();
  status(`loading ${meta.model}…`);
  const model = await loadAndCompile(meta.model, {accelerator: "wasm"});
  page.modelLoadedMs = performance.now();
  page.meta = meta;
  const generate = generator(model, meta);
  const redraw = redrawer(generate, meta);
  for (const id of ["seed", "truncation", "label", "seed-a", "seed-b", "steps"]) {
    $(id).addEventListener("input", redraw);
  }
  $("random").addEventListener("click", () => {
    $("seed").value = Math.floor(Math.random() * 2 ** 31);
    redraw();
  });
  await redraw();
  page.firstDrawMs = performance.now(); // since navigation started
  page.ready = true;
}

main().catch((error) => {
  fail(error);
  if (location.protocol === "file:") {
    fail(`${page.error}. Serve this folder over HTTP, e.g. python -m http.server.`);
  }
});

// Pure functions of the page: seeded latents, truncation, interpolation,
// pixels and grids. No DOM, no LiteRT, so a test can import this module alone.
//
// hashLatents is keras_gan/export/hash_noise.py in JavaScript: the latents
// the .tflite `sample` signature draws for a seed. Integer steps are exact
// (Math.imul wraps like int32 MUL, >>> is the logical shift); float steps
// round to float32 after every operation, as the .tflite graph does, so the
// uniforms are bit-identical and the normals agree to float32 rounding of
// LOG and COS (~1e-7).

const SEED_SALT = 0x5bd1e995;
const MULTIPLIERS = [0x7feb352d, 0x846ca68b];
// 2*pi as hash_noise.py splits it: a float16-exact head and a float32 tail.
const TWO_PI_HEAD = 6.28125;
const TWO_PI_TAIL = Math.fround(2 * Math.PI - TWO_PI_HEAD);
const SQRT_3 = Math.fround(Math.sqrt(3));
const f32 = Math.fround;

/** lowbias32 on 32-bit words; returns the int32 with the same bits. */
function mix(x) {
  x ^= x >>> 16;
  x = Math.imul(x, MULTIPLIERS[0]);
  x ^= x >>> 15;
  x = Math.imul(x, MULTIPLIERS[1]);
  return x ^ (x >>> 16);
}

/** float32 uniforms in (0, 1): u[c] = ((bits[c] >>> 8) + 0.5) / 2**24. */
export function hashUniform(count, seed) {
  const key = mix((seed | 0) ^ SEED_SALT);
  const uniform = new Float32Array(count);
  for (let counter = 0; counter < count; counter++) {
    // Storing rounds (x + 0.5) * 2**-24 to float32, as float32 ADD then MUL.
    uniform[counter] = ((mix(mix(counter) ^ key) >>> 8) + 0.5) * 2 ** -24;
  }
  return uniform;
}

/**
 * Latents (numSamples * latentDim, row-major) of hash_noise.hash_latents:
 * Box-Muller normals, or uniforms on [-sqrt 3, sqrt 3].
 */
export function hashLatents(numSamples, latentDim, seed, distribution) {
  const count = numSamples * latentDim;
  const latents = new Float32Array(count);
  if (distribution === "uniform") {
    const uniform = hashUniform(count, seed);
    for (let i = 0; i < count; i++) {
      latents[i] = f32(f32(2 * uniform[i] - 1) * SQRT_3);
    }
    return latents;
  }
  const uniform = hashUniform(2 * count, seed);
  for (let i = 0; i < count; i++) {
    const radius = f32(Math.sqrt(f32(-2 * f32(Math.log(uniform[2 * i])))));
    const u = uniform[2 * i + 1];
    const angle = f32(f32(u * TWO_PI_HEAD) + f32(u * TWO_PI_TAIL));
    latents[i] = f32(radius * f32(Math.cos(angle)));
  }
  return latents;
}

/** Truncation: z' = psi * z, towards the prior's mean 0 (psi in (0, 1]). */
export function truncate(latents, psi) {
  const scale = f32(psi);
  return latents.map((value) => f32(scale * value));
}

/**
 * `steps` latents from a to b, both ends included: spherical (slerp) for
 * normal priors, linear for uniform ones. The ends are a and b exactly.
 */
export function interpolate(a, b, steps, distribution) {
  const dim = a.length;
  const out = new Float32Array(steps * dim);
  let angle = 0;
  if (distribution !== "uniform") {
    let dot = 0, normA = 0, normB = 0;
    for (let i = 0; i < dim; i++) {
      dot += a[i] * b[i];
      normA += a[i] * a[i];
      normB += b[i] * b[i];
    }
    const cosine = dot / Math.sqrt(normA * normB);
    angle = Math.acos(Math.min(1, Math.max(-1, cosine)));
  }
  // Nearly parallel latents: slerp's weights are 0/0, and lerp is the limit.
  const spherical = Math.sin(angle) > 1e-6;
  for (let step = 0; step < steps; step++) {
    const t = steps === 1 ? 0 : step / (steps - 1);
    const weightA = spherical ? Math.sin((1 - t) * angle) / Math.sin(angle) : 1 - t;
    const weightB = spherical ? Math.sin(t * angle) / Math.sin(angle) : t;
    for (let i = 0; i < dim; i++) {
      out[step * dim + i] = weightA * a[i] + weightB * b[i];
    }
  }
  return out;
}

function roundHalfToEven(value) {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction !== 0.5) return fraction < 0.5 ? floor : floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * uint8 pixels of float images in valueRange, as the `sample` signature and
 * keras_gan.utils.images.to_uint8 compute them (float32, half to even).
 */
export function toUint8(images, valueRange) {
  const [low, high] = valueRange.map(f32);
  const span = f32(high - low);
  const pixels = new Uint8Array(images.length);
  for (let i = 0; i < images.length; i++) {
    const scaled = Math.min(1, Math.max(0, f32(f32(images[i] - low) / span)));
    pixels[i] = roundHalfToEven(f32(scaled * 255));
  }
  return pixels;
}

/**
 * RGBA bytes of uint8 NHWC images tiled with 1-pixel black borders, like
 * export/sample_litert.py's `tile` (columns = ceil(sqrt(n)) by default).
 */
export function tile(pixels, count, [height, width, channels], columns) {
  columns = columns ?? Math.ceil(Math.sqrt(count));
  const rows = Math.ceil(count / columns);
  const gridWidth = columns * (width + 1) + 1;
  const gridHeight = rows * (height + 1) + 1;
  const rgba = new Uint8ClampedArray(gridWidth * gridHeight * 4);
  for (let i = 3; i < rgba.length; i += 4) rgba[i] = 255;
  for (let index = 0; index < count; index++) {
    const top = 1 + Math.floor(index / columns) * (height + 1);
    const left = 1 + (index % columns) * (width + 1);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const source = ((index * height + y) * width + x) * channels;
        const target = ((top + y) * gridWidth + left + x) * 4;
        for (let c = 0; c < 3; c++) {
          rgba[target + c] = pixels[source + (channels === 1 ? 0 : c)];
        }
      }
    }
  }
  return {rgba, width: gridWidth, height: gridHeight};
}

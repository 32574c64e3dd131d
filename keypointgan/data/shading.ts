/**
 * Appearance building blocks shared by the synthetic humans, faces and cats: lighting,
 * colours, procedural textures (hash value noise, stripes, checks, dots), backgrounds with a
 * clutter knob, and sensor noise. Everything is a pure function of its seed.
 *
 * @module
 */
import type { Rgb, SurfacePoint } from "./raster.ts";
import { Rng } from "../rng.ts";

/** A directional light in scene space (y down, z towards the viewer). */
export interface Light {
  readonly dir: readonly [number, number, number];
  readonly ambient: number;
  readonly diffuse: number;
  readonly specular: number;
  /** Colour tint of the light (multiplies everything lit). */
  readonly tint: Rgb;
}

/** A light from the front, above and a random side; `variation` ∈ [0, 1] widens the ranges. */
export function sampleLight(rng: Rng, variation = 0.5): Light {
  const x = (2 * rng.uniform() - 1) * (0.3 + 0.5 * variation);
  const y = -0.2 - 0.5 * rng.uniform();
  const z = 0.6 + 0.4 * rng.uniform();
  const l = Math.hypot(x, y, z);
  const warm = (2 * rng.uniform() - 1) * 0.06 * variation;
  return {
    dir: [x / l, y / l, z / l],
    ambient: 0.38 + 0.15 * rng.uniform(),
    diffuse: 0.55 + 0.2 * rng.uniform(),
    specular: 0.05 + 0.12 * rng.uniform(),
    tint: [1 + warm, 1, 1 - warm],
  };
}

/** Lambert + Blinn specular + a little rim darkening, written into `out`. */
export function lit(base: Rgb, p: SurfacePoint, light: Light, out: Rgb, shine = 1): void {
  const [lx, ly, lz] = light.dir;
  const nl = Math.max(0, p.nx * lx + p.ny * ly + p.nz * lz);
  // Half vector with the viewer at +z.
  const hx = lx, hy = ly, hz = lz + 1, hl = Math.hypot(hx, hy, hz);
  const nh = Math.max(0, (p.nx * hx + p.ny * hy + p.nz * hz) / hl);
  const n2 = nh * nh, n8 = n2 * n2 * n2 * n2;
  const spec = light.specular * shine * n8 * n8 * n8; // nh^24
  const rim = 0.8 + 0.2 * Math.max(0, p.nz);
  const k = (light.ambient + light.diffuse * nl) * rim;
  for (let c = 0; c < 3; c++) out[c] = (base[c] * k + spec) * light.tint[c];
}

/** HSV (h in [0, 1)) → RGB. */
export function hsv(h: number, s: number, v: number): Rgb {
  const i = Math.floor(h * 6), f = h * 6 - i;
  const p = v * (1 - s), q = v * (1 - f * s), t = v * (1 - (1 - f) * s);
  const k = ((i % 6) + 6) % 6;
  return ([[v, t, p], [q, v, p], [p, v, t], [p, q, v], [t, p, v], [v, p, q]] as Rgb[])[k];
}

/** Mix a and b by t. */
export function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]), a[2] + t * (b[2] - a[2])];
}

/** A skin tone from very light to very dark. */
export function sampleSkin(rng: Rng): Rgb {
  const t = rng.uniform();
  const light: Rgb = [0.96, 0.8, 0.69],
    mid: Rgb = [0.78, 0.57, 0.42],
    dark: Rgb = [0.36, 0.23, 0.16];
  const base = t < 0.5 ? mix(light, mid, t * 2) : mix(mid, dark, (t - 0.5) * 2);
  const j = () => 1 + 0.05 * (2 * rng.uniform() - 1);
  return [base[0] * j(), base[1] * j(), base[2] * j()];
}

/** A hair colour: black, brown, blond, red or grey. */
export function sampleHair(rng: Rng): Rgb {
  const palette: Rgb[] = [
    [0.06, 0.05, 0.05],
    [0.2, 0.12, 0.07],
    [0.38, 0.24, 0.13],
    [0.72, 0.58, 0.34],
    [0.55, 0.22, 0.1],
    [0.62, 0.62, 0.6],
  ];
  return palette[Math.floor(rng.uniform() * palette.length)];
}

/** A clothing colour: saturated or muted, any hue, sometimes near black/white. */
export function sampleCloth(rng: Rng): Rgb {
  const r = rng.uniform();
  if (r < 0.12) return hsv(rng.uniform(), 0.1, 0.12 + 0.15 * rng.uniform());
  if (r < 0.22) return hsv(rng.uniform(), 0.05, 0.85 + 0.1 * rng.uniform());
  return hsv(rng.uniform(), 0.35 + 0.55 * rng.uniform(), 0.3 + 0.6 * rng.uniform());
}

/** 32-bit integer hash of (x, y, z, seed). */
function hash(x: number, y: number, z: number, seed: number): number {
  let h =
    (seed ^ Math.imul(x, 0x27d4eb2d) ^ Math.imul(y, 0x165667b1) ^ Math.imul(z, 0x1b873593)) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

/** Smooth 3D value noise in [0, 1] with unit feature size. */
export function valueNoise(x: number, y: number, z: number, seed: number): number {
  const xi = Math.floor(x), yi = Math.floor(y), zi = Math.floor(z);
  const fx = x - xi, fy = y - yi, fz = z - zi;
  const sx = fx * fx * (3 - 2 * fx), sy = fy * fy * (3 - 2 * fy), sz = fz * fz * (3 - 2 * fz);
  let v = 0;
  for (let c = 0; c < 8; c++) {
    const dx = c & 1, dy = (c >> 1) & 1, dz = (c >> 2) & 1;
    const w = (dx ? sx : 1 - sx) * (dy ? sy : 1 - sy) * (dz ? sz : 1 - sz);
    v += w * hash(xi + dx, yi + dy, zi + dz, seed);
  }
  return v;
}

/** A cloth pattern: how a second colour is laid over the base colour. */
export interface Pattern {
  readonly kind: "plain" | "stripes" | "checks" | "dots";
  readonly color: Rgb;
  /** Period in millimetres (or the primitive's own units). */
  readonly period: number;
  /** Opacity of the second colour. */
  readonly strength: number;
}

/** A pattern; `texture` ∈ [0, 1] is the chance and contrast of a non-plain one. */
export function samplePattern(rng: Rng, texture: number, period: [number, number]): Pattern {
  const kinds = ["stripes", "checks", "dots"] as const;
  const plain = rng.uniform() >= texture;
  const kind = kinds[Math.floor(rng.uniform() * 3)];
  const color = sampleCloth(rng);
  const p = period[0] + (period[1] - period[0]) * rng.uniform();
  return { kind: plain ? "plain" : kind, color, period: p, strength: 0.4 + 0.6 * texture };
}

/** Weight of the pattern's colour at surface coordinates (a along, b across), in [0, 1]. */
export function patternWeight(pat: Pattern, a: number, b: number): number {
  if (pat.kind === "plain") return 0;
  const fa = a / pat.period, fb = b / pat.period;
  const soft = (v: number) => Math.min(1, Math.max(0, v * 3 + 0.5));
  if (pat.kind === "stripes") return pat.strength * soft(Math.sin(2 * Math.PI * fa));
  if (pat.kind === "checks") {
    return pat.strength * soft(Math.sin(2 * Math.PI * fa) * Math.sin(2 * Math.PI * fb) * 2);
  }
  const da = fa - Math.round(fa), db = fb - Math.round(fb);
  return pat.strength * soft(0.3 - Math.hypot(da, db));
}

/** Background knobs: `clutter` ∈ [0, 1] adds shapes and texture; 0 gives a plain gradient. */
export interface BackgroundOptions {
  readonly clutter: number;
}

/** A video's backdrop: per-video rooms, or black (masked frames, as the official H3.6M loader). */
export type BackgroundKind = "scene" | "black";

/**
 * The background of one video `[S·ss, S·ss, 3]`: zeros for `black`, else `makeBackground`
 * seeded by `seed` (the same scene for any generator that draws the same seed).
 */
export function videoBackground(
  kind: BackgroundKind,
  seed: number,
  size: number,
  ss: number,
  opts: BackgroundOptions,
): Float32Array {
  return kind === "black"
    ? new Float32Array(size * ss * size * ss * 3)
    : makeBackground(new Rng(seed), size, ss, opts);
}

/**
 * A per-video background `[S·ss, S·ss, 3]` (floats): a wall gradient, an optional floor, and
 * `clutter`-many soft shapes (furniture, posters, doors) of moderate contrast. It is computed at
 * S×S and replicated to the supersampled grid (its detail is at pixel scale anyway).
 */
export function makeBackground(
  rng: Rng,
  size: number,
  ss: number,
  opts: BackgroundOptions,
): Float32Array {
  const wallTop = hsv(rng.uniform(), 0.1 + 0.4 * rng.uniform(), 0.3 + 0.6 * rng.uniform());
  const wallBottom = mix(wallTop, hsv(rng.uniform(), 0.3, 0.5), 0.3 * rng.uniform());
  const hasFloor = rng.uniform() < 0.6;
  const floorY = 0.55 + 0.3 * rng.uniform();
  const floor = hsv(rng.uniform(), 0.15 + 0.4 * rng.uniform(), 0.2 + 0.5 * rng.uniform());
  const nShapes = Math.round(opts.clutter * (4 + 8 * rng.uniform()));
  const shapes = Array.from({ length: nShapes }, () => ({
    round: rng.uniform() < 0.35,
    cx: rng.uniform(),
    cy: rng.uniform(),
    hw: 0.05 + 0.25 * rng.uniform(),
    hh: 0.05 + 0.35 * rng.uniform(),
    color: hsv(rng.uniform(), 0.2 + 0.6 * rng.uniform(), 0.2 + 0.7 * rng.uniform()),
    alpha: (0.35 + 0.5 * rng.uniform()) * Math.min(1, 0.4 + opts.clutter),
  }));
  const seed = Math.floor(rng.uniform() * 2 ** 31);
  const base = new Float32Array(size * size * 3);
  for (let j = 0; j < size; j++) {
    const y = (j + 0.5) / size;
    const c = hasFloor && y > floorY
      ? mix(floor, [0, 0, 0], 0.25 * (1 - (y - floorY)))
      : mix(wallTop, wallBottom, y);
    for (let i = 0; i < size; i++) base.set(c, 3 * (j * size + i));
  }
  for (const sh of shapes) {
    const j0 = Math.max(0, Math.floor((sh.cy - sh.hh) * size)),
      j1 = Math.min(size - 1, Math.ceil((sh.cy + sh.hh) * size));
    const i0 = Math.max(0, Math.floor((sh.cx - sh.hw) * size)),
      i1 = Math.min(size - 1, Math.ceil((sh.cx + sh.hw) * size));
    for (let j = j0; j <= j1; j++) {
      for (let i = i0; i <= i1; i++) {
        const dx = ((i + 0.5) / size - sh.cx) / sh.hw, dy = ((j + 0.5) / size - sh.cy) / sh.hh;
        if (sh.round ? dx * dx + dy * dy >= 1 : Math.abs(dx) >= 1 || Math.abs(dy) >= 1) continue;
        const o = 3 * (j * size + i);
        for (let c = 0; c < 3; c++) base[o + c] += sh.alpha * (sh.color[c] - base[o + c]);
      }
    }
  }
  const amp = opts.clutter * 0.12;
  const W = size * ss, out = new Float32Array(W * W * 3);
  for (let j = 0; j < W; j++) {
    const sj = Math.floor(j / ss);
    for (let i = 0; i < W; i++) {
      const si = Math.floor(i / ss), o = 3 * (sj * size + si), q = 3 * (j * W + i);
      const n = amp > 0
        ? amp * (valueNoise(((si + 0.5) / size) * 9, ((sj + 0.5) / size) * 9, 0, seed) - 0.5)
        : 0;
      out[q] = base[o] + n;
      out[q + 1] = base[o + 1] + n;
      out[q + 2] = base[o + 2] + n;
    }
  }
  return out;
}

/** 4096 standard normal deviates (a fixed table: sensor noise needs no fresh transcendental calls). */
const GAUSS = (() => {
  const t = new Float32Array(4096);
  let a = 0x9e3779b9 >>> 0;
  const u = () => {
    a = (Math.imul(a ^ (a >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return (a + 0.5) / 4294967296;
  };
  for (let i = 0; i < t.length; i += 2) {
    const r = Math.sqrt(-2 * Math.log(u())), th = 2 * Math.PI * u();
    t[i] = r * Math.cos(th);
    t[i + 1] = r * Math.sin(th);
  }
  return t;
})();

/** Adds Gaussian sensor noise of standard deviation `sd` (in [0, 1] units) to an image. */
export function addNoise(image: Uint8Array, sd: number, rng: Rng): void {
  if (sd <= 0) return;
  const k = sd * 255;
  for (let i = 0; i < image.length; i++) {
    const v = image[i] + k * GAUSS[rng.nextU32() & 4095];
    image[i] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
  }
}

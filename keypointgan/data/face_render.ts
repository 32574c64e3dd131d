/**
 * Appearance of the synthetic faces: per-identity skin, hair style and colour, brows, iris,
 * lips, glasses, beard and shirt; and the shaded primitives of a posed head in scene space.
 * Facial features are painted on the head surface from the frame's landmark chart (eyes with
 * iris and lids, brows, lips and mouth cavity, nostrils), so they always sit under the keypoints.
 *
 * @module
 */
import { Ellipsoid, RoundCone } from "./raster.ts";
import type { Material, Primitive, Rgb, SurfacePoint } from "./raster.ts";
import { headGeometry } from "./face_model.ts";
import type { FaceShape } from "./face_model.ts";
import { lit, mix, sampleCloth, sampleHair, sampleSkin, valueNoise } from "./shading.ts";
import type { Light } from "./shading.ts";
import type { Mat3, Vec3 } from "./geometry.ts";
import { apply3 } from "./geometry.ts";
import type { Rng } from "../rng.ts";

/** An identity's look. */
export interface FaceLook {
  readonly skin: Rgb;
  readonly lips: Rgb;
  readonly hair: Rgb;
  /** 0 short, 1 long, 2 receding / shaved, 3 fringe (hair low on the forehead). */
  readonly hairStyle: number;
  readonly iris: Rgb;
  readonly glasses:
    | { readonly color: Rgb; readonly radius: number; readonly round: boolean }
    | null;
  /** Beard density in [0, 1] (0: none). */
  readonly beard: number;
  readonly shirt: Rgb;
  readonly seed: number;
}

/** Draw a look; `texture` ∈ [0, 1] scales accessories (glasses, beards) and skin texture. */
export function sampleFaceLook(rng: Rng, texture: number): FaceLook {
  const skin = sampleSkin(rng);
  const irisPalette: Rgb[] = [[0.25, 0.15, 0.08], [0.35, 0.22, 0.1], [0.2, 0.35, 0.5], [
    0.3,
    0.42,
    0.25,
  ]];
  const glasses = rng.uniform() < 0.15 + 0.2 * texture
    ? {
      color: mix(sampleCloth(rng), [0.05, 0.05, 0.05], 0.5),
      radius: 0.2 + 0.05 * rng.uniform(),
      round: rng.uniform() < 0.5,
    }
    : null;
  return {
    skin,
    lips: mix(skin, [0.62, 0.25, 0.28], 0.35 + 0.25 * rng.uniform()),
    hair: sampleHair(rng),
    hairStyle: Math.floor(rng.uniform() * 4),
    iris: irisPalette[Math.floor(rng.uniform() * irisPalette.length)],
    glasses,
    beard: rng.uniform() < 0.1 + 0.15 * texture ? 0.4 + 0.6 * rng.uniform() : 0,
    shirt: sampleCloth(rng),
    seed: rng.nextU32(),
  };
}

/** Head pose (radians) and the head → scene placement. */
export interface HeadPlacement {
  /** Head-local → scene rotation. */
  readonly rotation: Mat3;
  /** Scene position of the head origin and pixels per head unit. */
  readonly centre: Vec3;
  readonly scale: number;
  /** Rotation of the neck and shoulders (they follow the head only partly). */
  readonly bodyRotation: Mat3;
}

function inside(poly: Float64Array, idx: readonly number[], x: number, y: number): boolean {
  let c = false;
  for (let i = 0, j = idx.length - 1; i < idx.length; j = i++) {
    const xi = poly[2 * idx[i]],
      yi = poly[2 * idx[i] + 1],
      xj = poly[2 * idx[j]],
      yj = poly[2 * idx[j] + 1];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c;
  }
  return c;
}

function segDist(chart: Float64Array, a: number, b: number, x: number, y: number): number {
  const ax = chart[2 * a],
    ay = chart[2 * a + 1],
    dx = chart[2 * b] - ax,
    dy = chart[2 * b + 1] - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(x - ax - t * dx, y - ay - t * dy);
}

function polyDist(
  chart: Float64Array,
  idx: readonly number[],
  x: number,
  y: number,
  closed: boolean,
): number {
  let d = Infinity;
  const n = closed ? idx.length : idx.length - 1;
  for (let i = 0; i < n; i++) {
    d = Math.min(d, segDist(chart, idx[i], idx[(i + 1) % idx.length], x, y));
  }
  return d;
}

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
const EYE_L = range(36, 41), EYE_R = range(42, 47), LIPS = range(48, 59), MOUTH = range(60, 67);
const BROW_L = range(17, 21), BROW_R = range(22, 26);
const PUPIL: Rgb = [0.03, 0.03, 0.03],
  SCLERA: Rgb = [0.92, 0.9, 0.86],
  LASH: Rgb = [0.1, 0.07, 0.06];

/** Bounding box [x0, y0, x1, y1] of chart points `idx`, grown by `pad`. */
function box(chart: Float64Array, idx: readonly number[], pad: number): number[] {
  const xs = idx.map((i) => chart[2 * i]), ys = idx.map((i) => chart[2 * i + 1]);
  return [
    Math.min(...xs) - pad,
    Math.min(...ys) - pad,
    Math.max(...xs) + pad,
    Math.max(...ys) + pad,
  ];
}

function inBox(b: number[], x: number, y: number): boolean {
  return x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3];
}

/** Per-frame bounding boxes of the painted features (cheap rejection before polygon tests). */
interface FeatureBoxes {
  readonly eyes: number[][];
  /** Per eye: [centre x, centre y, width]. */
  readonly eyeGeom: number[][];
  readonly browColor: Rgb;
  readonly brows: number[][];
  readonly lips: number[];
  readonly nose: number[];
}

function featureBoxes(chart: Float64Array, look: FaceLook): FeatureBoxes {
  const geom = (base: number) => [
    (chart[2 * base] + chart[2 * base + 6]) / 2,
    (chart[2 * base + 1] + chart[2 * base + 7]) / 2,
    Math.abs(chart[2 * base + 6] - chart[2 * base]),
  ];
  return {
    eyes: [box(chart, EYE_L, 0.01), box(chart, EYE_R, 0.01)],
    eyeGeom: [geom(36), geom(42)],
    browColor: mix(look.skin, [look.hair[0] * 0.7, look.hair[1] * 0.7, look.hair[2] * 0.7], 0.85),
    brows: [box(chart, BROW_L, 0.035), box(chart, BROW_R, 0.035)],
    lips: box(chart, LIPS, 0.01),
    nose: box(chart, [31, 35], 0.06),
  };
}

/** Skin colour at chart (x, y), surface depth z: features painted from the landmark chart. */
function faceColor(
  look: FaceLook,
  chart: Float64Array,
  boxes: FeatureBoxes,
  gaze: [number, number],
  x: number,
  y: number,
  z: number,
): Rgb {
  const hairLine = [-0.78, -0.8, -0.98, -0.55][look.hairStyle];
  // Hair: above a hairline that drops towards the temples, and over the back of the head.
  const line = hairLine + 0.3 * Math.max(0, Math.abs(x) - 0.45);
  const back = z <= -0.2;
  if (look.hairStyle === 2) {
    if (back && y < 0.1 && y > -0.75) return look.hair; // receding: a fringe round the back only
  } else if ((!back && y < line) || (back && y < (look.hairStyle === 1 ? 0.5 : 0.1))) {
    return look.hair;
  }
  if (z < 0.15) return look.skin;
  const chartBox = y > -0.6 && y < 1.2;
  if (!chartBox) return look.skin;
  for (let e = 0; e < 2; e++) {
    const eye = e === 0 ? EYE_L : EYE_R;
    if (!inBox(boxes.eyes[e], x, y) || !inside(chart, eye, x, y)) continue;
    const [cx, cy, w] = boxes.eyeGeom[e];
    const d = Math.hypot(x - cx - gaze[0] * w * 0.2, y - cy - gaze[1] * w * 0.1);
    const c: Rgb = d < 0.045 ? PUPIL : d < 0.095 ? look.iris : SCLERA;
    return polyDist(chart, eye, x, y, true) < 0.014 ? mix(c, LASH, 0.8) : c;
  }
  const brow = Math.min(
    inBox(boxes.brows[0], x, y) ? polyDist(chart, BROW_L, x, y, false) : 1,
    inBox(boxes.brows[1], x, y) ? polyDist(chart, BROW_R, x, y, false) : 1,
  );
  if (brow < 0.03) return boxes.browColor;
  if (!inBox(boxes.lips, x, y)) {
    return inBox(boxes.nose, x, y) ? nostrils(look, chart, x, y) : look.skin;
  }
  if (inside(chart, MOUTH, x, y)) {
    const top = Math.max(chart[2 * 61 + 1], chart[2 * 63 + 1]);
    return y < top + 0.035 ? [0.9, 0.88, 0.82] : [0.25, 0.06, 0.07];
  }
  if (inside(chart, LIPS, x, y)) return look.lips;
  return look.skin;
}

function nostrils(look: FaceLook, chart: Float64Array, x: number, y: number): Rgb {
  for (const n of [32, 34]) {
    if (Math.hypot((x - chart[2 * n]) * 1.2, (y - chart[2 * n + 1] + 0.015) * 2.2) < 0.045) {
      return mix(look.skin, [0.1, 0.05, 0.05], 0.7);
    }
  }
  return look.skin;
}

/** Accessories over the face colour: glasses (frames round each eye and a bridge), beard. */
function accessories(
  look: FaceLook,
  chart: Float64Array,
  boxes: FeatureBoxes,
  x: number,
  y: number,
  base: Rgb,
): Rgb {
  let c = base;
  const mouthY = chart[2 * 51 + 1];
  if (
    look.beard > 0 && y > mouthY - 0.12 && !(inBox(boxes.lips, x, y) && inside(chart, LIPS, x, y))
  ) {
    const n = valueNoise(x * 40, y * 40, 0, look.seed);
    const density = look.beard * Math.min(1, (y - mouthY + 0.12) * 6) * (0.6 + 0.4 * n);
    c = mix(c, look.hair, Math.min(0.9, density));
  }
  const g = look.glasses;
  if (g) {
    for (const base of [36, 42]) {
      const cx = (chart[2 * base] + chart[2 * base + 6]) / 2,
        cy = (chart[2 * base + 1] + chart[2 * base + 7]) / 2 + 0.02;
      const dx = (x - cx) / g.radius, dy = (y - cy) / (g.radius * 0.78);
      const r = g.round ? Math.hypot(dx, dy) : Math.max(Math.abs(dx), Math.abs(dy));
      if (Math.abs(r - 1) < 0.09) return g.color;
      if (r < 1) c = mix(c, [0.75, 0.85, 0.9], 0.12);
    }
    const bx = Math.abs(x), eyeY = chart[2 * 39 + 1];
    if (bx < 0.25 && Math.abs(y - eyeY + 0.03) < 0.02) return g.color;
  }
  return c;
}

/** A skin ellipsoid in head-local units: centre, axes (rows), radii. */
interface LocalPart {
  readonly c: Vec3;
  readonly e: readonly Vec3[];
  readonly r: Vec3;
}

/**
 * Normal of a soft union of the skin ellipsoids at a head-local point: each part's gradient of
 * |q| − 1, weighted by (1 − field / 0.15)² where the field is below 0.15 (compact support, no
 * transcendental calls). Hides the creases where parts meet.
 */
function blendedNormal(
  parts: readonly LocalPart[],
  x: number,
  y: number,
  z: number,
  out: Vec3,
): void {
  let nx = 0, ny = 0, nz = 0;
  for (const part of parts) {
    const dx = x - part.c[0], dy = y - part.c[1], dz = z - part.c[2];
    const e0 = part.e[0], e1 = part.e[1], e2 = part.e[2], r = part.r;
    const q0 = (dx * e0[0] + dy * e0[1] + dz * e0[2]) / r[0];
    const q1 = (dx * e1[0] + dy * e1[1] + dz * e1[2]) / r[1];
    const q2 = (dx * e2[0] + dy * e2[1] + dz * e2[2]) / r[2];
    const f = Math.sqrt(q0 * q0 + q1 * q1 + q2 * q2) - 1;
    if (f > 0.15) continue;
    const gx = (q0 * e0[0]) / r[0] + (q1 * e1[0]) / r[1] + (q2 * e2[0]) / r[2];
    const gy = (q0 * e0[1]) / r[0] + (q1 * e1[1]) / r[1] + (q2 * e2[1]) / r[2];
    const gz = (q0 * e0[2]) / r[0] + (q1 * e1[2]) / r[1] + (q2 * e2[2]) / r[2];
    const t = 1 - Math.max(0, f) / 0.15;
    const w = (t * t) / (Math.hypot(gx, gy, gz) || 1);
    nx += w * gx;
    ny += w * gy;
    nz += w * gz;
  }
  const l = Math.hypot(nx, ny, nz) || 1;
  out[0] = nx / l;
  out[1] = ny / l;
  out[2] = nz / l;
}

/** Material of the skin surface: scene point → head-local chart → painted, lit colour. */
function headMaterial(
  look: FaceLook,
  chart: Float64Array,
  gaze: [number, number],
  parts: readonly LocalPart[],
  place: HeadPlacement,
  light: Light,
): Material {
  const R = place.rotation, k = place.scale, C = place.centre;
  const boxes = featureBoxes(chart, look);
  const n: Vec3 = [0, 0, 0];
  return (p: SurfacePoint, out: Rgb) => {
    const dx = (p.x - C[0]) / k, dy = (p.y - C[1]) / k, dz = (p.z - C[2]) / k;
    // Rᵀ · d: the head-local point.
    const x = R[0] * dx + R[3] * dy + R[6] * dz;
    const y = R[1] * dx + R[4] * dy + R[7] * dz;
    const z = R[2] * dx + R[5] * dy + R[8] * dz;
    blendedNormal(parts, x, y, z, n);
    p.nx = R[0] * n[0] + R[1] * n[1] + R[2] * n[2];
    p.ny = R[3] * n[0] + R[4] * n[1] + R[5] * n[2];
    p.nz = R[6] * n[0] + R[7] * n[1] + R[8] * n[2];
    const base = accessories(
      look,
      chart,
      boxes,
      x,
      y,
      faceColor(look, chart, boxes, gaze, x, y, z),
    );
    lit(base, p, light, out, base === look.hair ? 0.2 : 0.6);
  };
}

/** Scene-space primitives of a head: skin parts, hair volume (long hair), neck and shoulders. */
export function headPrimitives(
  shape: FaceShape,
  look: FaceLook,
  open: number,
  chart: Float64Array,
  gaze: [number, number],
  place: HeadPlacement,
  light: Light,
): Primitive[] {
  const R = place.rotation, k = place.scale, C = place.centre;
  const toScene = (v: Vec3, rot: Mat3 = R): Vec3 => {
    const q = apply3(rot, v);
    return [C[0] + k * q[0], C[1] + k * q[1], C[2] + k * q[2]];
  };
  const axes = (tilt: number, rot: Mat3 = R): Vec3[] => {
    const c = Math.cos(tilt), s = Math.sin(tilt);
    return [apply3(rot, [1, 0, 0]), apply3(rot, [0, c, s]), apply3(rot, [0, -s, c])];
  };
  const parts = headGeometry(shape, open).parts;
  const local: LocalPart[] = parts.slice(0, 4).map((part) => {
    const c = Math.cos(part.tilt), s = Math.sin(part.tilt);
    return { c: part.c, e: [[1, 0, 0], [0, c, s], [0, -s, c]], r: part.r };
  });
  const skin = headMaterial(look, chart, gaze, local, place, light);
  const ears: Material = (p, out) => lit(look.skin, p, light, out, 0.4);
  const prims: Primitive[] = parts.map((part, i) =>
    new Ellipsoid(
      toScene(part.c),
      axes(part.tilt),
      [k * part.r[0], k * part.r[1], k * part.r[2]],
      i < 4 ? skin : ears,
    )
  );
  const plain = (c: Rgb, shine: number): Material => (p, out) => lit(c, p, light, out, shine);
  if (look.hairStyle === 1) {
    prims.push(
      new Ellipsoid(
        toScene([0, 0.15, -0.72]),
        axes(0),
        [k * 1.12, k * 1.25, k * 0.55],
        plain(look.hair, 0.2),
      ),
    );
  }
  const B = place.bodyRotation;
  const neckSkin = plain(mix(look.skin, [0, 0, 0], 0.12), 0.3);
  prims.push(
    new RoundCone(
      toScene([0, 0.55, -0.45], B),
      toScene([0, 2.2, -0.55], B),
      k * 0.45,
      k * 0.5,
      neckSkin,
    ),
  );
  const shirt = plain(look.shirt, 0.3);
  prims.push(
    new Ellipsoid(toScene([0, 2.55, -0.6], B), axes(0, B), [k * 2.1, k * 0.8, k * 0.8], shirt),
  );
  return prims;
}

/**
 * Synthetic cat heads: geometry (cranium, cheeks and muzzle ellipsoids, triangular ears), fur
 * patterns (solid, tabby, bicolour, tortoiseshell, colourpoint), eyes with slit pupils, nose,
 * mouth and whiskers, and the 9 Cat-Head keypoints on the same geometry.
 *
 * Head-local units as for faces: x right in a frontal view (image left is the cat's right),
 * y down, z out of the face. Keypoint order (keypointgan/skeletons.ts `CAT`): l_eye, r_eye,
 * mouth, then per ear (image left first) ear_1 = outer base, ear_2 = tip, ear_3 = inner base —
 * mirror-consistent with `CAT.leftRight`. "Left" is the image left.
 *
 * @module
 */
import { Ellipsoid, Triangle } from "./raster.ts";
import type { Material, Primitive, Rgb, SurfacePoint } from "./raster.ts";
import { apply3 } from "./geometry.ts";
import type { Mat3, Vec3 } from "./geometry.ts";
import { lit, mix, valueNoise } from "./shading.ts";
import type { Light } from "./shading.ts";
import type { Rng } from "../rng.ts";

/** A cat's identity: shape and coat. */
export interface CatLook {
  readonly earSize: number;
  readonly earSpread: number;
  readonly cheek: number;
  readonly eyeSize: number;
  readonly fur: Rgb;
  readonly fur2: Rgb;
  /** 0 solid, 1 tabby, 2 bicolour, 3 tortoiseshell, 4 colourpoint. */
  readonly pattern: number;
  readonly contrast: number;
  readonly iris: Rgb;
  readonly nose: Rgb;
  readonly seed: number;
}

const COATS: Rgb[] = [
  [0.12, 0.11, 0.1], // black
  [0.45, 0.45, 0.47], // grey
  [0.85, 0.5, 0.22], // orange
  [0.88, 0.78, 0.6], // cream
  [0.92, 0.91, 0.88], // white
  [0.48, 0.36, 0.25], // brown
];

/** Draw a cat; `texture` ∈ [0, 1] is the chance and contrast of a patterned coat. */
export function sampleCatLook(rng: Rng, texture: number): CatLook {
  const u = (a: number, b: number) => a + (b - a) * rng.uniform();
  const fur = COATS[Math.floor(rng.uniform() * COATS.length)];
  const patterned = rng.uniform() < 0.3 + 0.6 * texture;
  const pattern = patterned ? 1 + Math.floor(rng.uniform() * 4) : 0;
  const second = pattern === 2
    ? [0.93, 0.92, 0.9] as Rgb
    : pattern === 3
    ? COATS[2]
    : mix(fur, [0.05, 0.04, 0.03], 0.6);
  const irises: Rgb[] = [[0.55, 0.7, 0.2], [0.85, 0.7, 0.15], [0.8, 0.5, 0.1], [0.35, 0.6, 0.85]];
  return {
    earSize: u(0.85, 1.15),
    earSpread: u(-0.08, 0.08),
    cheek: u(0.9, 1.15),
    eyeSize: u(0.85, 1.15),
    fur: pattern === 3 ? COATS[0] : fur,
    fur2: second,
    pattern,
    contrast: 0.5 + 0.5 * texture,
    iris: irises[Math.floor(rng.uniform() * irises.length)],
    nose: rng.uniform() < 0.6 ? [0.85, 0.55, 0.55] : [0.15, 0.1, 0.1],
    seed: rng.nextU32(),
  };
}

/** Per-frame pose of the cat's face parts. */
export interface CatExpression {
  /** Ear swivel (rotation about the vertical through the base, radians) per ear. */
  readonly earL: number;
  readonly earR: number;
  /** Eye opening in (0, 1]. */
  readonly eyeOpen: number;
  /** Pupil width in (0, 1] (slit … round). */
  readonly pupil: number;
}

/** The three ear points (outer base, tip, inner base) of one ear; side −1 = image left. */
function ear(look: CatLook, e: CatExpression, side: number): Vec3[] {
  const s = look.earSize, spread = look.earSpread;
  const outer: Vec3 = [side * (0.93 + spread), -0.38, -0.28];
  const inner: Vec3 = [side * (0.3 + spread * 0.5), -0.82, -0.12];
  const tip0: Vec3 = [side * (0.82 + 0.1 * spread), -0.82 - 0.62 * s, -0.25];
  // Swivel: rotate the tip about the base's midpoint, mostly backwards (−z) and sideways.
  const a = side < 0 ? e.earL : e.earR;
  const mid: Vec3 = [
    (outer[0] + inner[0]) / 2,
    (outer[1] + inner[1]) / 2,
    (outer[2] + inner[2]) / 2,
  ];
  const d = [tip0[0] - mid[0], tip0[1] - mid[1], tip0[2] - mid[2]];
  const tip: Vec3 = [
    mid[0] + d[0] + side * 0.25 * Math.sin(a),
    mid[1] + d[1] * Math.cos(a),
    mid[2] + d[2] - 0.45 * Math.sin(a),
  ];
  return [outer, tip, inner];
}

/** The 9 keypoints `[9, 3]` in head-local units (eyes and mouth on the rendered surface). */
export function catKeypoints3d(look: CatLook, e: CatExpression): Vec3[] {
  const ex = 0.36, ey = -0.05, ez = surfaceZ(ex, ey);
  // The mouth sits where the two muzzle lobes meet, below the nose.
  const n = new Float64Array(3);
  const mz = Math.max(...MUZZLE.map(([c, r]) => new Ellipsoid(c, AXES, r, NONE).hit(0, 0.46, n)));
  return [
    [-ex, ey, ez],
    [ex, ey, ez],
    [0, 0.46, mz],
    ...earKeypoints(look, e, -1),
    ...earKeypoints(look, e, 1),
  ];
}

/**
 * Ear keypoints as an annotator clicks them: the tip and the outer base slightly inside the ear
 * triangle (8 % towards its centroid), so they lie on the drawn ear rather than on its corner.
 */
function earKeypoints(look: CatLook, e: CatExpression, side: number): Vec3[] {
  const corners = ear(look, e, side);
  const c = [0, 1, 2].map((i) => (corners[0][i] + corners[1][i] + corners[2][i]) / 3);
  return corners.map((p) => p.map((v, i) => v + 0.08 * (c[i] - v)) as Vec3);
}

/** Front depth of the cranium ellipsoid at (x, y) (eyes sit on it). */
function surfaceZ(x: number, y: number): number {
  const [cx, cy, cz] = CRANIUM.c, [rx, ry, rz] = CRANIUM.r;
  const q = 1 - ((x - cx) / rx) ** 2 - ((y - cy) / ry) ** 2;
  return cz + rz * Math.sqrt(Math.max(0, q));
}

const CRANIUM = { c: [0, -0.1, -0.3] as Vec3, r: [1.0, 0.82, 0.9] as Vec3 };
/** Muzzle lobes and chin: [centre, radii]. */
const MUZZLE: [Vec3, Vec3][] = [
  [[-0.13, 0.38, 0.42], [0.2, 0.15, 0.18]],
  [[0.13, 0.38, 0.42], [0.2, 0.15, 0.18]],
  [[0, 0.52, 0.3], [0.15, 0.1, 0.16]],
];
const AXES: Vec3[] = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
const NONE: Material = (_p, out) => out.fill(0);

/** Fur colour at a head-local point (patterns), before eyes/nose/mouth are painted over. */
function furColor(look: CatLook, x: number, y: number, z: number): Rgb {
  const n = valueNoise(x * 3 + 10, y * 3, z * 3, look.seed);
  const c = look.contrast;
  switch (look.pattern) {
    case 1: { // tabby: stripes, with the forehead "M"
      const stripe = Math.sin(9 * (y + 0.25 * Math.sin(3 * x)) + 2 * n);
      return mix(look.fur, look.fur2, c * Math.max(0, stripe) * 0.9);
    }
    case 2: // bicolour: white muzzle, chin and chest, blaze
      return y > 0.15 - 0.3 * Math.abs(x) || (Math.abs(x) < 0.12 - 0.1 * y && z > 0)
        ? look.fur2
        : look.fur;
    case 3: // tortoiseshell: black and orange patches
      return mix(look.fur, look.fur2, c * (n > 0.5 ? 1 : 0));
    case 4: // colourpoint: dark mask round the muzzle and eyes
      return mix(look.fur, look.fur2, c * Math.max(0, 1 - Math.hypot(x, (y - 0.3) * 1.3) * 1.4));
    default:
      return mix(look.fur, [look.fur[0] * 0.8, look.fur[1] * 0.8, look.fur[2] * 0.8], 0.5 * n);
  }
}

/** Eyes (almond, slit pupil), nose, mouth line and whiskers over the fur. */
function faceColor(look: CatLook, e: CatExpression, x: number, y: number, z: number): Rgb {
  if (z < 0) return furColor(look, x, y, z);
  const ew = 0.19 * look.eyeSize, eh = 0.12 * look.eyeSize * e.eyeOpen;
  for (const cx of [-0.36, 0.36]) {
    const dx = (x - cx) / ew, dy = (y + 0.05) / Math.max(eh, 1e-3);
    // Almond: |dy| below a lens profile.
    if (Math.abs(dx) < 1 && Math.abs(dy) < 1 - dx * dx) {
      const pupil = Math.abs(x - cx) < 0.035 + 0.1 * e.pupil && Math.abs(dy) < 0.95;
      if (pupil) return [0.02, 0.02, 0.02];
      return mix(look.iris, [1, 1, 0.8], 0.25 * (1 - Math.abs(dy)));
    }
    if (Math.abs(dx) < 1.15 && Math.abs(dy) < 1.25 - dx * dx) return [0.08, 0.07, 0.06];
  }
  // Nose: a small downward triangle above the mouth.
  const ny = y - 0.27;
  if (ny > -0.06 && ny < 0.05 && Math.abs(x) < 0.09 * (0.05 - ny) / 0.11) return look.nose;
  // Mouth: a vertical philtrum line and two curves.
  if (Math.abs(x) < 0.012 && y > 0.32 && y < 0.44) return [0.1, 0.07, 0.07];
  const curve = 0.44 + 0.18 * (Math.abs(x) - 0.08) ** 2 * 10;
  if (Math.abs(x) < 0.16 && Math.abs(y - curve) < 0.014) return [0.1, 0.07, 0.07];
  // Whiskers: three light lines per side from the muzzle.
  if (Math.abs(x) > 0.22 && Math.abs(x) < 0.95 && y > 0.25 && y < 0.65) {
    for (const slope of [-0.25, 0, 0.22]) {
      if (Math.abs(y - (0.42 + slope * (Math.abs(x) - 0.22))) < 0.01) return [0.95, 0.95, 0.92];
    }
  }
  return furColor(look, x, y, z);
}

/** Placement of the head in scene space. */
export interface CatPlacement {
  readonly rotation: Mat3;
  readonly centre: Vec3;
  readonly scale: number;
}

/** Scene-space primitives of a cat head (and a chest below it). */
export function catPrimitives(
  look: CatLook,
  e: CatExpression,
  place: CatPlacement,
  light: Light,
): Primitive[] {
  const R = place.rotation, k = place.scale, C = place.centre;
  const toScene = (v: Vec3): Vec3 => {
    const q = apply3(R, v);
    return [C[0] + k * q[0], C[1] + k * q[1], C[2] + k * q[2]];
  };
  const axes = [apply3(R, [1, 0, 0]), apply3(R, [0, 1, 0]), apply3(R, [0, 0, 1])];
  const toLocal = (p: SurfacePoint): Vec3 => {
    const dx = (p.x - C[0]) / k, dy = (p.y - C[1]) / k, dz = (p.z - C[2]) / k;
    return [
      R[0] * dx + R[3] * dy + R[6] * dz,
      R[1] * dx + R[4] * dy + R[7] * dz,
      R[2] * dx + R[5] * dy + R[8] * dz,
    ];
  };
  const head: Material = (p, out) => {
    const [x, y, z] = toLocal(p);
    lit(faceColor(look, e, x, y, z), p, light, out, 0.15);
  };
  const fur: Material = (p, out) => {
    const [x, y, z] = toLocal(p);
    lit(furColor(look, x, y, z), p, light, out, 0.1);
  };
  const ell = (c: Vec3, r: Vec3, m: Material) =>
    new Ellipsoid(toScene(c), axes, [k * r[0], k * r[1], k * r[2]], m);
  const ch = look.cheek;
  const prims: Primitive[] = [
    ell(CRANIUM.c, CRANIUM.r, head),
    ell([-0.38, 0.26, -0.08], [0.46 * ch, 0.34, 0.5], head),
    ell([0.38, 0.26, -0.08], [0.46 * ch, 0.34, 0.5], head),
    ...MUZZLE.map(([c, r]) => ell(c, r, head)),
    ell([0, 1.35, -0.6], [1.25, 0.75, 0.8], fur),
  ];
  for (const side of [-1, 1]) {
    const [outer, tip, inner] = ear(look, e, side).map(toScene);
    const back: Vec3 = toScene([side * 0.62, -0.55, -0.55]);
    const earMat: Material = (p, out) => {
      // Front face barycentrics (u, v, w) ↔ (outer, tip, inner): pink inside, fur rim.
      const rim = Math.min(p.u, p.v, p.w);
      lit(
        rim > 0.12 ? mix([0.9, 0.62, 0.6], look.fur, 0.25) : furColor(look, side, -1, 0),
        p,
        light,
        out,
        0.1,
      );
    };
    prims.push(new Triangle(outer, tip, inner, earMat));
    prims.push(new Triangle(outer, tip, back, fur), new Triangle(inner, tip, back, fur));
  }
  return prims;
}

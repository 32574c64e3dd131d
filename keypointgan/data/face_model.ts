/**
 * A parametric 3D face for the synthetic faces: a head made of ellipsoids (cranium, jaw, chin,
 * nose, ears) in head-local units (x right in a frontal view = the subject's left, y down, z out
 * of the face; the face is ~2 units wide), and the 68 iBUG landmarks on its surface. Identity
 * varies the shape; expressions (mouth opening, smile, brows, blinks) move the landmarks and the
 * jaw. Landmark depths come from ray-casting the same primitives that are rendered, and the jaw
 * contour (points 0–16) follows the frontal silhouette of the head, so every landmark lies on the face.
 *
 * @module
 */
import { Ellipsoid } from "./raster.ts";
import { apply3, identity3 } from "./geometry.ts";
import type { Mat3, Vec3 } from "./geometry.ts";
import type { Material, Primitive } from "./raster.ts";
import type { Rng } from "../rng.ts";

/** Identity shape parameters (offsets from the template, head units). */
export interface FaceShape {
  readonly eyeSpacing: number;
  readonly eyeSize: number;
  readonly noseLength: number;
  readonly noseWidth: number;
  readonly mouthWidth: number;
  readonly mouthY: number;
  readonly browY: number;
  readonly jawWidth: number;
  readonly chinY: number;
  readonly faceDepth: number;
}

/** Expression of one frame. */
export interface Expression {
  /** Jaw drop (0 closed … ~0.25 wide open). */
  readonly open: number;
  /** Smile (−0.3 frown … 1 broad smile). */
  readonly smile: number;
  /** Brow raise (−0.05 … 0.12) and inner-brow frown (0 … 0.06). */
  readonly brows: number;
  readonly frown: number;
  /** Eye closure per eye (0 open, 1 closed). */
  readonly blinkL: number;
  readonly blinkR: number;
}

/** Neutral expression. */
export const NEUTRAL: Expression = { open: 0, smile: 0, brows: 0, frown: 0, blinkL: 0, blinkR: 0 };

/** Draw an identity. */
export function sampleFaceShape(rng: Rng): FaceShape {
  const n = (sd: number) => sd * Math.max(-2.5, Math.min(2.5, rng.normal()));
  return {
    eyeSpacing: n(0.03),
    eyeSize: 1 + n(0.08),
    noseLength: n(0.04),
    noseWidth: 1 + n(0.1),
    mouthWidth: 1 + n(0.08),
    mouthY: n(0.03),
    browY: n(0.03),
    jawWidth: 1 + n(0.06),
    chinY: n(0.04),
    faceDepth: 1 + n(0.06),
  };
}

type P2 = [number, number];

/** Frontal template chart (x, y) of the 68 points except the jaw (0–16, from the silhouette). */
function template(s: FaceShape, e: Expression): P2[] {
  const p: P2[] = new Array(68);
  const ex = 0.425 + s.eyeSpacing, ey = -0.18, ew = 0.175 * s.eyeSize, eh = 0.065 * s.eyeSize;
  for (const [base, side] of [[36, -1], [42, 1]] as const) {
    const blink = side < 0 ? e.blinkL : e.blinkR;
    // 36: outer corner, 37–38 upper lid, 39 inner corner, 40–41 lower lid (mirrored for 42–47).
    const cx = side * ex;
    const lower = ey + 0.6 * eh;
    const upper = ey - eh - 0.02 * e.brows * 4;
    const up = upper + blink * (lower - upper) * 0.92;
    const outer = side * ew, inner = -side * ew;
    const corner: P2[] = [[cx + outer, ey + 0.01], [cx + inner, ey]];
    const pts: P2[] = side < 0
      ? [
        corner[0],
        [cx - 0.33 * ew, up],
        [cx + 0.33 * ew, up],
        corner[1],
        [cx + 0.33 * ew, lower],
        [cx - 0.33 * ew, lower],
      ]
      : [
        corner[1],
        [cx - 0.33 * ew, up],
        [cx + 0.33 * ew, up],
        corner[0],
        [cx + 0.33 * ew, lower],
        [cx - 0.33 * ew, lower],
      ];
    pts.forEach((q, i) => (p[base + i] = q));
  }
  // Brows 17–21 (image left, outer → inner) and 22–26 (inner → outer).
  const by = -0.44 + s.browY - e.brows;
  const brow = [[0.68, 0.06], [0.6, -0.01], [0.49, -0.04], [0.37, -0.03], [0.21, 0.01]];
  brow.forEach(([x, dy], i) => {
    const inner = i >= 3 ? e.frown * (i - 2) / 2 : 0;
    p[17 + i] = [-(x + s.eyeSpacing - inner * 0.5), by + dy + inner];
    p[26 - i] = [x + s.eyeSpacing - inner * 0.5, by + dy + inner];
  });
  // Nose 27–30 (bridge to tip), 31–35 (nostril base, left → right).
  const tip = 0.24 + s.noseLength;
  for (let i = 0; i < 4; i++) p[27 + i] = [0, -0.2 + (i * (tip + 0.2)) / 3];
  const nw = 0.17 * s.noseWidth, ny = tip + 0.08;
  [[-nw, ny - 0.02], [-nw * 0.5, ny + 0.01], [0, ny + 0.025], [nw * 0.5, ny + 0.01], [
    nw,
    ny - 0.02,
  ]].forEach(
    (q, i) => (p[31 + i] = q as P2),
  );
  mouth(p, s, e);
  return p;
}

/** Lips 48–67 with smile (corners up and out) and opening (lower lip and jaw down). */
function mouth(p: P2[], s: FaceShape, e: Expression): void {
  const my = 0.56 + s.mouthY, mw = 0.36 * s.mouthWidth * (1 + 0.12 * e.smile);
  const cy = my - 0.06 * e.smile, drop = e.open;
  const outerUp: P2[] = [[-1, 0], [-0.66, -0.05], [-0.28, -0.085], [0, -0.075], [0.28, -0.085], [
    0.66,
    -0.05,
  ], [1, 0]];
  const outerLo: P2[] = [[0.7, 0.075], [0.33, 0.115], [0, 0.125], [-0.33, 0.115], [-0.7, 0.075]];
  outerUp.forEach(([x, y], i) => (p[48 + i] = [x * mw, i === 0 || i === 6 ? cy : my + y]));
  outerLo.forEach(([x, y], i) => (p[55 + i] = [x * mw, my + y + drop * (1 - 0.45 * Math.abs(x))]));
  const iw = mw * 0.83;
  p[60] = [-iw, cy + 0.005];
  p[64] = [iw, cy + 0.005];
  [-0.35, 0, 0.35].forEach((x, i) => (p[61 + i] = [x * iw * 1.1, my - 0.01 - 0.015 * drop]));
  [0.35, 0, -0.35].forEach((
    x,
    i,
  ) => (p[65 + i] = [x * iw * 1.1, my + 0.015 + drop * (0.95 - 0.4 * Math.abs(x))]));
}

/** The head geometry of an identity with a given jaw drop (head-local units). */
export interface HeadGeometry {
  /** Ellipsoids of the skin surface: cranium, jaw, chin, nose, ears. */
  readonly parts: readonly {
    readonly c: [number, number, number];
    readonly r: [number, number, number];
    readonly tilt: number;
  }[];
}

/** Skin-surface ellipsoids; the jaw and chin follow the mouth opening. */
export function headGeometry(s: FaceShape, open: number): HeadGeometry {
  const d = s.faceDepth;
  const noseTop = -0.25, noseTip = 0.3 + s.noseLength;
  return {
    parts: [
      { c: [0, -0.38, -0.38 * d], r: [1.0, 1.22, 1.22 * d], tilt: 0 },
      { c: [0, 0.25 + 0.55 * open, -0.3 * d], r: [0.86 * s.jawWidth, 0.78, 1.05 * d], tilt: 0 },
      { c: [0, 0.72 + s.chinY + open, 0.08 * d], r: [0.36, 0.3, 0.6 * d], tilt: 0 },
      {
        c: [0, (noseTop + noseTip) / 2, 0.72 * d],
        r: [0.12 * s.noseWidth, (noseTip - noseTop) / 2 + 0.04, 0.2],
        tilt: -0.28,
      },
      { c: [-0.99, -0.12, -0.35 * d], r: [0.1, 0.26, 0.17], tilt: 0 },
      { c: [0.99, -0.12, -0.35 * d], r: [0.1, 0.26, 0.17], tilt: 0 },
    ],
  };
}

/** The ellipsoid of a head part in head-local units (identity placement), for ray casts. */
export function partPrimitive(part: HeadGeometry["parts"][number], material: Material): Primitive {
  const c = Math.cos(part.tilt), s = Math.sin(part.tilt);
  return new Ellipsoid(part.c, [[1, 0, 0], [0, c, s], [0, -s, c]], part.r, material);
}

const NO_MATERIAL: Material = (_p, out) => out.fill(0);

const scratchNormal = new Float64Array(3);

/** Front surface depth z of the head at chart (x, y), or −Infinity off the head. */
function depthAt(prims: readonly Primitive[], x: number, y: number): number {
  const n = scratchNormal;
  let z = -Infinity;
  for (const p of prims) z = Math.max(z, p.hit(x, y, n));
  return z;
}

/**
 * `depthAt`, but a point that misses every primitive (a wide-open mouth's lower lip below the
 * jaw, a contour point of a strongly turned and rolled head) takes the depth of the first surface
 * point on the way to (cx, cy), instead of −∞ (which would turn into NaN coordinates).
 */
function surfaceDepth(
  prims: readonly Primitive[],
  x: number,
  y: number,
  cx: number,
  cy: number,
): number {
  let z = depthAt(prims, x, y);
  for (let t = 0.05; z === -Infinity && t <= 1; t += 0.05) {
    z = depthAt(prims, x + t * (cx - x), y + t * (cy - y));
  }
  return z;
}

/** Silhouette radius of the head along angle a from (cx, cy), viewed along z (bisection). */
function silhouette(prims: readonly Primitive[], cx: number, cy: number, a: number): number {
  let lo = 0, hi = 2.5;
  for (let i = 0; i < 20; i++) {
    const m = (lo + hi) / 2;
    if (depthAt(prims, cx + m * Math.cos(a), cy + m * Math.sin(a)) > -Infinity) lo = m;
    else hi = m;
  }
  return lo;
}

/** A skin part rotated by `rot` about the head origin (view space, head units). */
function rotatedPart(part: HeadGeometry["parts"][number], rot: Mat3): Primitive {
  const c = Math.cos(part.tilt), s = Math.sin(part.tilt);
  const axes = [[1, 0, 0], [0, c, s], [0, -s, c]].map((v) => apply3(rot, v as Vec3));
  return new Ellipsoid(apply3(rot, part.c), axes, part.r, NO_MATERIAL);
}

/**
 * The 68 landmarks `[68, 3]` in head-local units for an identity and expression: chart points
 * lifted onto the head surface. The jaw points 0–16 follow the head's outline as seen by the
 * camera (`rot`: head → view rotation), pulled in by 5 % — the 300-W convention, where contour
 * points slide along the visible cheek line as the head turns.
 */
export function faceLandmarks3d(
  s: FaceShape,
  e: Expression,
  rot: Mat3 = identity3(),
): Float64Array {
  const geo = headGeometry(s, e.open);
  // Ears are excluded: the jaw line runs below them.
  const local = geo.parts.slice(0, 4).map((p) => partPrimitive(p, NO_MATERIAL));
  const view = geo.parts.slice(0, 4).map((p) => rotatedPart(p, rot));
  const chart = template(s, e);
  const out = new Float64Array(68 * 3);
  for (let k = 17; k < 68; k++) {
    const [x, y] = chart[k];
    out.set([x, y, surfaceDepth(local, x, y, 0, -0.12)], 3 * k);
  }
  const [cx, cy] = apply3(rot, [0, -0.12, 0]);
  for (let k = 0; k <= 16; k++) {
    // From ear level on the image left (the subject's right), down round the chin, up the right.
    const ang = Math.PI * (1 - k / 16);
    const r = 0.95 * silhouette(view, cx, cy, ang);
    const x = cx + r * Math.cos(ang), y = cy + r * Math.sin(ang);
    // Back to head-local coordinates: Rᵀ · (x, y, z).
    const p: Vec3 = [x, y, surfaceDepth(view, x, y, cx, cy)];
    out.set([0, 1, 2].map((i) => rot[i] * p[0] + rot[3 + i] * p[1] + rot[6 + i] * p[2]), 3 * k);
  }
  return out;
}

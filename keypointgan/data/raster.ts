/**
 * A small orthographic ray caster for the synthetic datasets: analytic primitives (ellipsoids,
 * capsules, round cones, triangles) hit by rays along −z, a depth buffer so that self-occlusion
 * is real, deferred per-pixel shading through per-primitive materials, and supersampling.
 *
 * Scene space is the output image's pixel space: x = column, y = row (pixel centre i at i),
 * z = closeness to the viewer in pixels (the visible surface is the one with the largest z).
 * Rendering is pure arithmetic on typed arrays, so it is deterministic on every platform.
 *
 * @module
 */

/** RGB colour with channels in [0, 1] (may exceed 1 before clamping). */
export type Rgb = [number, number, number];

/** What a material sees at a visible surface point. */
export interface SurfacePoint {
  /** Hit point in scene space. */
  x: number;
  y: number;
  z: number;
  /** Unit normal (scene space, z towards the viewer). */
  nx: number;
  ny: number;
  nz: number;
  /** Primitive-local coordinates (ellipsoid: unit-sphere coords; cone: axis param t, angle). */
  u: number;
  v: number;
  w: number;
}

/** A material turns a surface point into a colour (lighting included). */
export type Material = (p: SurfacePoint, out: Rgb) => void;

/** A primitive: screen bounds, a ray hit test, and local coordinates for texturing. */
export interface Primitive {
  readonly material: Material;
  /** Inclusive pixel bounds [x0, y0, x1, y1] in scene space (may exceed the image). */
  bounds(): [number, number, number, number];
  /** An upper bound of z over the primitive (early depth rejection). */
  maxZ(): number;
  /**
   * z of the nearest hit of the ray through (x, y), or -Infinity. Fills the unit normal `n` on a
   * hit when `n` is given (the depth pass passes null: normals are only needed where shaded).
   */
  hit(x: number, y: number, n: Float64Array | null): number;
  /** Fills p.u, p.v, p.w (local coordinates) for a hit point p. */
  local(p: SurfacePoint): void;
}

type V3 = readonly [number, number, number];

/** An ellipsoid: centre c, orthonormal axes e1..e3 (rows of `axes`) with radii r. */
export class Ellipsoid implements Primitive {
  readonly #c: V3;
  readonly #a: number[]; // axes row-major 3×3
  readonly #r: V3;
  readonly #qa: number;

  constructor(c: V3, axes: readonly V3[], r: V3, readonly material: Material) {
    this.#c = c;
    this.#a = [...axes[0], ...axes[1], ...axes[2]];
    this.#r = r;
    let qa = 0;
    for (let i = 0; i < 3; i++) qa += (this.#a[3 * i + 2] / r[i]) ** 2;
    this.#qa = qa;
  }

  bounds(): [number, number, number, number] {
    // Half-extent along x of an ellipsoid = sqrt(Σ (r_i e_ix)²), likewise y.
    let hx = 0, hy = 0;
    for (let i = 0; i < 3; i++) {
      hx += (this.#r[i] * this.#a[3 * i]) ** 2;
      hy += (this.#r[i] * this.#a[3 * i + 1]) ** 2;
    }
    const [cx, cy] = this.#c;
    return [cx - Math.sqrt(hx), cy - Math.sqrt(hy), cx + Math.sqrt(hx), cy + Math.sqrt(hy)];
  }

  maxZ(): number {
    let hz = 0;
    for (let i = 0; i < 3; i++) hz += (this.#r[i] * this.#a[3 * i + 2]) ** 2;
    return this.#c[2] + Math.sqrt(hz);
  }

  hit(x: number, y: number, n: Float64Array | null): number {
    const a = this.#a, r = this.#r;
    const dx = x - this.#c[0], dy = y - this.#c[1];
    // Unit-sphere coordinates along the ray: q_i = α_i + β_i·dz.
    const a0 = (dx * a[0] + dy * a[1]) / r[0], b0 = a[2] / r[0];
    const a1 = (dx * a[3] + dy * a[4]) / r[1], b1 = a[5] / r[1];
    const a2 = (dx * a[6] + dy * a[7]) / r[2], b2 = a[8] / r[2];
    const qb = 2 * (a0 * b0 + a1 * b1 + a2 * b2);
    const qc = a0 * a0 + a1 * a1 + a2 * a2 - 1;
    const disc = qb * qb - 4 * this.#qa * qc;
    if (disc < 0) return -Infinity;
    const dz = (-qb + Math.sqrt(disc)) / (2 * this.#qa);
    if (n === null) return this.#c[2] + dz;
    // Normal = Σ q_i e_i / r_i.
    const q0 = (a0 + dz * b0) / r[0], q1 = (a1 + dz * b1) / r[1], q2 = (a2 + dz * b2) / r[2];
    setUnit(
      n,
      q0 * a[0] + q1 * a[3] + q2 * a[6],
      q0 * a[1] + q1 * a[4] + q2 * a[7],
      q0 * a[2] + q1 * a[5] + q2 * a[8],
    );
    return this.#c[2] + dz;
  }

  local(p: SurfacePoint): void {
    const a = this.#a, r = this.#r;
    const dx = p.x - this.#c[0], dy = p.y - this.#c[1], dz = p.z - this.#c[2];
    p.u = (dx * a[0] + dy * a[1] + dz * a[2]) / r[0];
    p.v = (dx * a[3] + dy * a[4] + dz * a[5]) / r[1];
    p.w = (dx * a[6] + dy * a[7] + dz * a[8]) / r[2];
  }
}

/**
 * A round cone: the convex hull of a sphere of radius ra at a and one of radius rb at b
 * (a capsule when ra = rb). `ref` is a unit vector not parallel to b − a that fixes the angle
 * origin for textures. Local coords: u = t along the axis in [0, 1], v = angle / π in [-1, 1].
 */
export class RoundCone implements Primitive {
  readonly #a: V3;
  readonly #b: V3;
  readonly #ra: number;
  readonly #rb: number;
  readonly #ref: V3;
  /** 2D reject test: squared reach of the projected hull around the projected segment. */
  readonly #reach2: number;
  readonly #dxy: [number, number, number];

  constructor(a: V3, b: V3, ra: number, rb: number, readonly material: Material, ref?: V3) {
    this.#a = a;
    this.#b = b;
    // A cone whose end sphere contains the other degenerates into that sphere.
    const len = Math.hypot(b[0] - a[0], b[1] - a[1], b[2] - a[2]);
    this.#ra = ra;
    this.#rb = len > Math.abs(ra - rb) + 1e-9 ? rb : ra;
    if (len <= Math.abs(ra - rb) + 1e-9) this.#b = a;
    this.#ref = ref ?? [1, 0, 0];
    const r = Math.max(this.#ra, this.#rb) + 1e-6;
    this.#reach2 = r * r;
    const ex = this.#b[0] - a[0], ey = this.#b[1] - a[1];
    this.#dxy = [ex, ey, ex * ex + ey * ey];
  }

  /** Squared 2D distance from (x, y) to the projected axis segment. */
  #dist2(x: number, y: number): number {
    const [ex, ey, ee] = this.#dxy;
    const px = x - this.#a[0], py = y - this.#a[1];
    const t = ee > 0 ? Math.min(1, Math.max(0, (px * ex + py * ey) / ee)) : 0;
    const qx = px - t * ex, qy = py - t * ey;
    return qx * qx + qy * qy;
  }

  bounds(): [number, number, number, number] {
    const a = this.#a, b = this.#b, ra = this.#ra, rb = this.#rb;
    return [
      Math.min(a[0] - ra, b[0] - rb),
      Math.min(a[1] - ra, b[1] - rb),
      Math.max(a[0] + ra, b[0] + rb),
      Math.max(a[1] + ra, b[1] + rb),
    ];
  }

  maxZ(): number {
    return Math.max(this.#a[2] + this.#ra, this.#b[2] + this.#rb);
  }

  hit(x: number, y: number, n: Float64Array | null): number {
    if (this.#dist2(x, y) > this.#reach2) return -Infinity;
    const a = this.#a, b = this.#b, ra = this.#ra, rb = this.#rb;
    // Ray origin above the primitive, direction (0, 0, -1) (Quílez, "round cone" intersector).
    const top = Math.max(a[2] + ra, b[2] + rb) + 1;
    const bax = b[0] - a[0], bay = b[1] - a[1], baz = b[2] - a[2];
    const oax = x - a[0], oay = y - a[1], oaz = top - a[2];
    const obx = x - b[0], oby = y - b[1], obz = top - b[2];
    const rr = ra - rb;
    const m0 = bax * bax + bay * bay + baz * baz;
    const m1 = bax * oax + bay * oay + baz * oaz;
    const m2 = -baz;
    const m3 = -oaz;
    const m5 = oax * oax + oay * oay + oaz * oaz;
    const m6 = -obz;
    const m7 = obx * obx + oby * oby + obz * obz;
    const d2 = m0 - rr * rr;
    const k2 = d2 - m2 * m2;
    const k1 = d2 * m3 - m1 * m2 + m2 * rr * ra;
    const k0 = d2 * m5 - m1 * m1 + m1 * rr * ra * 2 - m0 * ra * ra;
    if (m0 > 1e-12 && Math.abs(k2) > 1e-12) {
      const h = k1 * k1 - k0 * k2;
      if (h >= 0) {
        const t = (-Math.sqrt(h) - k1) / k2;
        const yy = m1 - ra * rr + t * m2;
        if (yy > 0 && yy < d2) {
          if (n) setUnit(n, d2 * oax - bax * yy, d2 * oay - bay * yy, d2 * (oaz - t) - baz * yy);
          return top - t;
        }
      }
    }
    // Caps: the nearer of the two spheres.
    let best = Infinity;
    const h1 = m3 * m3 - m5 + ra * ra;
    if (h1 > 0) {
      const t = -m3 - Math.sqrt(h1);
      best = t;
      if (n) setUnit(n, oax, oay, oaz - t);
    }
    const h2 = m6 * m6 - m7 + rb * rb;
    if (h2 > 0) {
      const t = -m6 - Math.sqrt(h2);
      if (t < best) {
        best = t;
        if (n) setUnit(n, obx, oby, obz - t);
      }
    }
    return best === Infinity ? -Infinity : top - best;
  }

  local(p: SurfacePoint): void {
    const a = this.#a, b = this.#b;
    const bx = b[0] - a[0], by = b[1] - a[1], bz = b[2] - a[2];
    const m0 = bx * bx + by * by + bz * bz;
    const px = p.x - a[0], py = p.y - a[1], pz = p.z - a[2];
    const t = m0 > 0 ? (px * bx + py * by + pz * bz) / m0 : 0;
    p.u = Math.min(1, Math.max(0, t));
    // Angle around the axis, measured from the reference direction projected off the axis.
    const inv = m0 > 0 ? 1 / Math.sqrt(m0) : 0;
    const ax = bx * inv, ay = by * inv, az = bz * inv;
    const r = this.#ref;
    const rd = r[0] * ax + r[1] * ay + r[2] * az;
    const e1x = r[0] - rd * ax, e1y = r[1] - rd * ay, e1z = r[2] - rd * az;
    const e2x = ay * e1z - az * e1y, e2y = az * e1x - ax * e1z, e2z = ax * e1y - ay * e1x;
    const qx = px - t * bx, qy = py - t * by, qz = pz - t * bz;
    p.v = Math.atan2(qx * e2x + qy * e2y + qz * e2z, qx * e1x + qy * e1y + qz * e1z) / Math.PI;
    p.w = 0;
  }
}

/** A flat triangle (two-sided; the normal faces the viewer). Local coords: barycentrics. */
export class Triangle implements Primitive {
  readonly #p: number[];
  readonly #det: number;
  readonly #n: V3;

  constructor(p0: V3, p1: V3, p2: V3, readonly material: Material) {
    this.#p = [...p0, ...p1, ...p2];
    this.#det = (p1[0] - p0[0]) * (p2[1] - p0[1]) - (p2[0] - p0[0]) * (p1[1] - p0[1]);
    const ux = p1[0] - p0[0], uy = p1[1] - p0[1], uz = p1[2] - p0[2];
    const vx = p2[0] - p0[0], vy = p2[1] - p0[1], vz = p2[2] - p0[2];
    let nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
    if (nz < 0) [nx, ny, nz] = [-nx, -ny, -nz];
    const l = Math.hypot(nx, ny, nz) || 1;
    this.#n = [nx / l, ny / l, nz / l];
  }

  bounds(): [number, number, number, number] {
    const p = this.#p;
    return [
      Math.min(p[0], p[3], p[6]),
      Math.min(p[1], p[4], p[7]),
      Math.max(p[0], p[3], p[6]),
      Math.max(p[1], p[4], p[7]),
    ];
  }

  maxZ(): number {
    return Math.max(this.#p[2], this.#p[5], this.#p[8]);
  }

  #bary(x: number, y: number): [number, number, number] {
    const p = this.#p;
    const b1 = ((x - p[0]) * (p[7] - p[1]) - (p[6] - p[0]) * (y - p[1])) / this.#det;
    const b2 = ((p[3] - p[0]) * (y - p[1]) - (x - p[0]) * (p[4] - p[1])) / this.#det;
    return [1 - b1 - b2, b1, b2];
  }

  hit(x: number, y: number, n: Float64Array | null): number {
    if (Math.abs(this.#det) < 1e-9) return -Infinity;
    const [b0, b1, b2] = this.#bary(x, y);
    if (b0 < 0 || b1 < 0 || b2 < 0) return -Infinity;
    if (n) {
      n[0] = this.#n[0];
      n[1] = this.#n[1];
      n[2] = this.#n[2];
    }
    const p = this.#p;
    return b0 * p[2] + b1 * p[5] + b2 * p[8];
  }

  local(p: SurfacePoint): void {
    [p.u, p.v, p.w] = this.#bary(p.x, p.y);
  }
}

function setUnit(n: Float64Array, x: number, y: number, z: number): void {
  const l = Math.sqrt(x * x + y * y + z * z) || 1;
  n[0] = x / l;
  n[1] = y / l;
  n[2] = z / l;
}

/**
 * Render primitives over a background into an S×S RGB image (uint8), supersampling
 * `ss`×`ss` samples per pixel. `background` holds the colour of every sample, `[S·ss, S·ss, 3]`.
 * Returns the image and a coverage mask (fraction of samples that hit a primitive).
 */
export function renderScene(
  prims: readonly Primitive[],
  size: number,
  ss: number,
  background: Float32Array,
): { image: Uint8Array; coverage: Float32Array } {
  const W = size * ss;
  const { zbuf, ids } = scratch(W * W);
  zbuf.fill(-Infinity);
  ids.fill(-1);
  // Sample (i, j) of the SS grid sits at scene coordinate (i + 0.5) / ss - 0.5.
  const toScene = (i: number) => (i + 0.5) / ss - 0.5;
  const toGrid = (s: number) => (s + 0.5) * ss - 0.5;
  // Nearest primitives first, so samples they cover reject farther ones by depth alone.
  const order = prims.map((p, k) => [p.maxZ(), k] as const).sort((a, b) =>
    b[0] - a[0] || a[1] - b[1]
  );
  for (const [top, k] of order) {
    const [x0, y0, x1, y1] = prims[k].bounds();
    const i0 = Math.max(0, Math.floor(toGrid(x0))), i1 = Math.min(W - 1, Math.ceil(toGrid(x1)));
    const j0 = Math.max(0, Math.floor(toGrid(y0))), j1 = Math.min(W - 1, Math.ceil(toGrid(y1)));
    for (let j = j0; j <= j1; j++) {
      const y = toScene(j);
      for (let i = i0; i <= i1; i++) {
        const o = j * W + i;
        if (zbuf[o] >= top) continue;
        const z = prims[k].hit(toScene(i), y, null);
        if (z > zbuf[o]) {
          zbuf[o] = z;
          ids[o] = k;
        }
      }
    }
  }
  return resolveSamples(prims, size, ss, ids, background);
}

let buffers: { zbuf: Float64Array; ids: Int32Array } | null = null;

/** Per-sample buffers, reused across frames of the same size (each thread renders one frame at a time). */
function scratch(n: number): { zbuf: Float64Array; ids: Int32Array } {
  if (buffers === null || buffers.ids.length !== n) {
    buffers = { zbuf: new Float64Array(n), ids: new Int32Array(n) };
  }
  return buffers;
}

/**
 * Shade and box-filter the supersampled grid down to S×S. A pixel whose samples all hit the
 * same primitive is shaded once, at its centre (textures there are smooth at pixel scale);
 * pixels on a silhouette average their samples, which is where anti-aliasing matters.
 */
function resolveSamples(
  prims: readonly Primitive[],
  size: number,
  ss: number,
  ids: Int32Array,
  background: Float32Array,
): { image: Uint8Array; coverage: Float32Array } {
  const W = size * ss;
  const image = new Uint8Array(size * size * 3);
  const coverage = new Float32Array(size * size);
  const p: SurfacePoint = { x: 0, y: 0, z: 0, nx: 0, ny: 0, nz: 0, u: 0, v: 0, w: 0 };
  const col: Rgb = [0, 0, 0];
  const n = new Float64Array(3);
  const inv = 1 / (ss * ss);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const o = py * size + px;
      const k0 = ids[py * ss * W + px * ss];
      let uniform = true;
      for (let sj = 0; sj < ss && uniform; sj++) {
        for (let si = 0; si < ss; si++) {
          if (ids[(py * ss + sj) * W + px * ss + si] !== k0) {
            uniform = false;
            break;
          }
        }
      }
      if (uniform && k0 >= 0) {
        const z = prims[k0].hit(px, py, n);
        if (z > -Infinity) {
          shadeAt(prims[k0], p, px, py, z, n[0], n[1], n[2], col);
          image[3 * o] = toByte(col[0]);
          image[3 * o + 1] = toByte(col[1]);
          image[3 * o + 2] = toByte(col[2]);
          coverage[o] = 1;
          continue;
        }
      }
      let r = 0, g = 0, b = 0, hits = 0;
      for (let sj = 0; sj < ss; sj++) {
        for (let si = 0; si < ss; si++) {
          const i = px * ss + si, j = py * ss + sj, q = j * W + i;
          const k = ids[q];
          if (k < 0) {
            r += background[3 * q];
            g += background[3 * q + 1];
            b += background[3 * q + 2];
            continue;
          }
          const x = (i + 0.5) / ss - 0.5, y = (j + 0.5) / ss - 0.5;
          const z = prims[k].hit(x, y, n);
          shadeAt(prims[k], p, x, y, z, n[0], n[1], n[2], col);
          r += col[0];
          g += col[1];
          b += col[2];
          hits++;
        }
      }
      image[3 * o] = toByte(r * inv);
      image[3 * o + 1] = toByte(g * inv);
      image[3 * o + 2] = toByte(b * inv);
      coverage[o] = hits * inv;
    }
  }
  return { image, coverage };
}

function shadeAt(
  prim: Primitive,
  p: SurfacePoint,
  x: number,
  y: number,
  z: number,
  nx: number,
  ny: number,
  nz: number,
  col: Rgb,
): void {
  p.x = x;
  p.y = y;
  p.z = z;
  p.nx = nx;
  p.ny = ny;
  p.nz = nz;
  prim.local(p);
  prim.material(p, col);
}

/** [0, 1] → uint8 with rounding and clamping. */
export function toByte(v: number): number {
  return v <= 0 ? 0 : v >= 1 ? 255 : Math.round(v * 255);
}

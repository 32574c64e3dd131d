/**
 * Tiny 3D helpers for the synthetic generators: 3-vectors as tuples, 3×3 rotation matrices as
 * row-major 9-arrays. Plain numbers, no allocation tricks: generation cost is in the rasteriser.
 *
 * @module
 */

/** A 3-vector. */
export type Vec3 = [number, number, number];
/** A 3×3 matrix, row-major. */
export type Mat3 = number[];

/** The identity matrix. */
export function identity3(): Mat3 {
  return [1, 0, 0, 0, 1, 0, 0, 0, 1];
}

/** Rotation about x by `a` radians (y towards z). */
export function rotX(a: number): Mat3 {
  const c = Math.cos(a), s = Math.sin(a);
  return [1, 0, 0, 0, c, -s, 0, s, c];
}

/** Rotation about y by `a` radians (z towards x). */
export function rotY(a: number): Mat3 {
  const c = Math.cos(a), s = Math.sin(a);
  return [c, 0, s, 0, 1, 0, -s, 0, c];
}

/** Rotation about z by `a` radians (x towards y). */
export function rotZ(a: number): Mat3 {
  const c = Math.cos(a), s = Math.sin(a);
  return [c, -s, 0, s, c, 0, 0, 0, 1];
}

/** Matrix product a·b. */
export function mul3(a: Mat3, b: Mat3): Mat3 {
  const o = new Array<number>(9);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      o[3 * i + j] = a[3 * i] * b[j] + a[3 * i + 1] * b[3 + j] + a[3 * i + 2] * b[6 + j];
    }
  }
  return o;
}

/** Matrix–vector product m·v. */
export function apply3(m: Mat3, v: Vec3): Vec3 {
  return [
    m[0] * v[0] + m[1] * v[1] + m[2] * v[2],
    m[3] * v[0] + m[4] * v[1] + m[5] * v[2],
    m[6] * v[0] + m[7] * v[1] + m[8] * v[2],
  ];
}

/** Column `j` of m (the image of the j-th basis vector). */
export function column3(m: Mat3, j: number): Vec3 {
  return [m[j], m[3 + j], m[6 + j]];
}

/** Euler rotation Ry(twist)·Rz(side)·Rx(flex): flex first, then side bend, then twist. */
export function euler(flex: number, side: number, twist: number): Mat3 {
  return mul3(rotY(twist), mul3(rotZ(side), rotX(flex)));
}

/** a + s·b. */
export function addScaled(a: Vec3, b: Vec3, s: number): Vec3 {
  return [a[0] + s * b[0], a[1] + s * b[1], a[2] + s * b[2]];
}

/** a − b. */
export function sub3(a: Vec3, b: Vec3): Vec3 {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}

/** Euclidean norm. */
export function norm3(v: Vec3): number {
  return Math.hypot(v[0], v[1], v[2]);
}

/** v / |v| (v itself when |v| = 0). */
export function unit3(v: Vec3): Vec3 {
  const l = norm3(v);
  return l > 0 ? [v[0] / l, v[1] / l, v[2] / l] : v;
}

/** Linear interpolation a + t (b − a). */
export function lerp3(a: Vec3, b: Vec3, t: number): Vec3 {
  return [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]), a[2] + t * (b[2] - a[2])];
}

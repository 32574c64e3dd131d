/**
 * The one 3D → 2D framing of human bodies, shared by the synthetic renderer and the real
 * Human3.6M mocap prior (`h36m-prior`), so that a mocap prior is geometrically compatible with
 * the synthetic images (the paper's cross-dataset prior setting).
 *
 * World frame (as in the H3.6M mocap): millimetres, root (joint 0) at the origin, +x = the
 * subject's left, +y up, +z the subject's forward. A camera with yaw 0 and tilt 0 looks at the
 * subject's front, so the subject's left appears on the image right.
 *
 * Framing: orthographic (weak-perspective) projection; the crop is a square of `spanMm / zoom`
 * millimetres centred on the body's mid-height point (`centreMm`, the median midpoint between
 * the head top and the lowest ankle over the mocap data), like the bounding-box crops of
 * Simplified Human3.6M. The crop corresponds to `originalSize` pixels of a notional 1000×1000
 * H3.6M camera frame (focal ≈ 1150 px, subject at ≈ 5 m: 2000 mm ↦ 460 px), used by the
 * full-H3.6M pixel protocol (Table 2).
 *
 * @module
 */
import { apply3, mul3, rotX, rotY, rotZ } from "./geometry.ts";
import type { Mat3, Vec3 } from "./geometry.ts";
import type { Rng } from "../rng.ts";

/** Constants of the body crop. */
export const BODY_FRAMING = {
  /** Side of the square crop in millimetres at zoom 1 (a standing body fills ~80 % of it). */
  spanMm: 2000,
  /** World point (relative to the root) at the crop centre: mid-height of the body. */
  centreMm: [0, -107, 0] as Vec3,
  /** Pixels of the notional original camera frame spanned by the crop (2000 mm at 5 m, f = 1150 px). */
  originalSize: 460,
} as const;

/** The camera of one video (or of one mocap prior sample). Angles in radians. */
export interface BodyCamera {
  /** Body rotation about the vertical axis relative to facing the camera (+: turned to its left). */
  readonly yaw: number;
  /** Camera elevation: + looks down on the subject. */
  readonly tilt: number;
  /** In-plane rotation. */
  readonly roll: number;
  /** Magnification relative to the nominal crop (> 1: the body looks bigger). */
  readonly zoom: number;
  /** Crop-centre jitter as a fraction of the crop side. */
  readonly shiftX: number;
  readonly shiftY: number;
}

/** Ranges the camera is drawn from (degrees and fractions); a difficulty knob. */
export interface BodyCameraRanges {
  /** Body yaw is uniform in [−yawRange, +yawRange] degrees (90: profiles occur; 180: any). */
  readonly yawRange: number;
  /** Camera tilt is uniform in [tiltMin, tiltMax] degrees (H3.6M cameras look slightly down). */
  readonly tiltMin: number;
  readonly tiltMax: number;
  /** Standard deviation of the roll in degrees. */
  readonly rollSd: number;
  /** Zoom is uniform in [1 − zoomJitter, 1 + zoomJitter]. */
  readonly zoomJitter: number;
  /** Shifts are uniform in [−shiftJitter, +shiftJitter]. */
  readonly shiftJitter: number;
}

/** Defaults: small viewpoint variation about a frontal view, profiles included. */
export const DEFAULT_CAMERA_RANGES: BodyCameraRanges = {
  yawRange: 90,
  tiltMin: 0,
  tiltMax: 15,
  rollSd: 2,
  zoomJitter: 0.06,
  shiftJitter: 0.03,
};

const DEG = Math.PI / 180;

/** Draw a camera from `ranges` (a fixed number of draws, so streams stay aligned). */
export function sampleBodyCamera(rng: Rng, ranges: BodyCameraRanges): BodyCamera {
  const u = () => rng.uniform();
  return {
    yaw: (2 * u() - 1) * ranges.yawRange * DEG,
    tilt: (ranges.tiltMin + u() * (ranges.tiltMax - ranges.tiltMin)) * DEG,
    roll: rng.normal() * ranges.rollSd * DEG,
    zoom: 1 + (2 * u() - 1) * ranges.zoomJitter,
    shiftX: (2 * u() - 1) * ranges.shiftJitter,
    shiftY: (2 * u() - 1) * ranges.shiftJitter,
  };
}

/** World (mm) → scene pixels (x = column, y = row, z = closeness), for an S×S crop. */
export interface Projector {
  /** World → camera rotation (camera: x right, y up, z towards the viewer). */
  readonly rotation: Mat3;
  /** Pixels per millimetre. */
  readonly scale: number;
  /** Scene coordinates of a world point. */
  point(p: Vec3): Vec3;
  /** Scene direction of a world direction (unit in, unit out; the y axis flips). */
  direction(v: Vec3): Vec3;
}

/** The projector of `camera` for an image of `size` pixels. */
export function bodyProjector(camera: BodyCamera, size: number): Projector {
  const rotation = mul3(rotZ(camera.roll), mul3(rotX(camera.tilt), rotY(camera.yaw)));
  const scale = (size * camera.zoom) / BODY_FRAMING.spanMm;
  const c = apply3(rotation, BODY_FRAMING.centreMm);
  const cx = (size - 1) / 2 + camera.shiftX * size;
  const cy = (size - 1) / 2 + camera.shiftY * size;
  return {
    rotation,
    scale,
    point(p) {
      const q = apply3(rotation, p);
      return [cx + scale * (q[0] - c[0]), cy - scale * (q[1] - c[1]), scale * q[2]];
    },
    direction(v) {
      const q = apply3(rotation, v);
      return [q[0], -q[1], q[2]];
    },
  };
}

/**
 * Frame a body: joints `[K, 3]` (mm, world frame) → keypoints `[K, 2]` in [−1, 1] written at
 * `out[offset …]`. This is the only function that maps a 3D body to image keypoints.
 */
export function frameBody(
  joints: ArrayLike<number>,
  camera: BodyCamera,
  size: number,
  out: Float32Array,
  offset = 0,
): void {
  const proj = bodyProjector(camera, size);
  const k = joints.length / 3;
  for (let j = 0; j < k; j++) {
    const s = proj.point([joints[3 * j], joints[3 * j + 1], joints[3 * j + 2]]);
    out[offset + 2 * j] = (2 * s[0]) / (size - 1) - 1;
    out[offset + 2 * j + 1] = (2 * s[1]) / (size - 1) - 1;
  }
}

/**
 * Appearance and volumes of the synthetic humans: a subject's look (skin, hair, clothing colours
 * and patterns, sleeve and trouser length) and the shaded primitives of a posed body — round
 * cones for limbs, ellipsoids for pelvis, chest and head — in the scene space of a `Projector`.
 *
 * @module
 */
import { addScaled, column3, lerp3, norm3, sub3 } from "./geometry.ts";
import type { Vec3 } from "./geometry.ts";
import type { BodyShape, PosedBody } from "./human_body.ts";
import type { Projector } from "./framing.ts";
import { Ellipsoid, RoundCone } from "./raster.ts";
import type { Material, Primitive, Rgb, SurfacePoint } from "./raster.ts";
import {
  lit,
  mix,
  patternWeight,
  sampleCloth,
  sampleHair,
  samplePattern,
  sampleSkin,
} from "./shading.ts";
import type { Light, Pattern } from "./shading.ts";
import type { Rng } from "../rng.ts";

/** What a subject wears and looks like (fixed across the subject's videos, as in H3.6M). */
export interface HumanLook {
  readonly skin: Rgb;
  readonly hair: Rgb;
  /** 0 short, 1 long, 2 very short / shaved. */
  readonly hairStyle: number;
  readonly top: Rgb;
  readonly topPattern: Pattern;
  readonly longSleeves: boolean;
  readonly bottom: Rgb;
  readonly bottomPattern: Pattern;
  readonly shorts: boolean;
  readonly shoes: Rgb;
}

/** Draw a look; `texture` ∈ [0, 1] is the chance and contrast of patterned clothes. */
export function sampleHumanLook(rng: Rng, texture: number): HumanLook {
  return {
    skin: sampleSkin(rng),
    hair: sampleHair(rng),
    hairStyle: Math.floor(rng.uniform() * 3),
    top: sampleCloth(rng),
    topPattern: samplePattern(rng, texture, [60, 140]),
    longSleeves: rng.uniform() < 0.6,
    bottom: sampleCloth(rng),
    bottomPattern: samplePattern(rng, texture * 0.5, [80, 160]),
    shorts: rng.uniform() < 0.2,
    shoes: mix(sampleCloth(rng), [0.1, 0.1, 0.1], 0.6),
  };
}

/** Cloth material on a round cone: pattern coordinates in mm along / around the bone. */
function coneCloth(
  base: Rgb,
  pat: Pattern,
  lengthMm: number,
  radiusMm: number,
  light: Light,
): Material {
  return (p: SurfacePoint, out: Rgb) => {
    const w = patternWeight(pat, p.u * lengthMm, p.v * Math.PI * radiusMm);
    lit(mix(base, pat.color, w), p, light, out, 0.3);
  };
}

/** Cloth material on an ellipsoid with radii r (mm): pattern along its second (vertical) axis. */
function ellipsoidCloth(base: Rgb, pat: Pattern, r: Vec3, light: Light): Material {
  return (p: SurfacePoint, out: Rgb) => {
    const w = patternWeight(pat, p.v * r[1], Math.atan2(p.u, p.w) * r[0]);
    lit(mix(base, pat.color, w), p, light, out, 0.3);
  };
}

/** Head: skin, hair over the top and back, two dark eyes at the front (local +w). */
function headMaterial(look: HumanLook, light: Light): Material {
  const hairLine = [0.45, 0.3, 0.75][look.hairStyle];
  const backLine = [-0.15, -0.75, 0.2][look.hairStyle];
  return (p: SurfacePoint, out: Rgb) => {
    // Hair boundary rises from the back (backLine) to the forehead (hairLine).
    const line = backLine + (hairLine - backLine) * Math.max(0, Math.min(1, (p.w + 0.3) / 1.1));
    let c = look.skin;
    if (p.v > line) c = look.hair;
    else if (p.w > 0.55) {
      const e = Math.min(Math.hypot(p.u - 0.36, p.v - 0.1), Math.hypot(p.u + 0.36, p.v - 0.1));
      if (e < 0.12) c = mix(look.skin, [0.05, 0.04, 0.04], 0.85);
      else if (Math.hypot(p.u * 0.7, p.v + 0.5) < 0.14) c = mix(look.skin, [0.6, 0.2, 0.2], 0.5);
    }
    lit(c, p, light, out, 0.6);
  };
}

/** Flat skin / shoe materials. */
function plain(base: Rgb, light: Light, shine = 0.5): Material {
  return (p: SurfacePoint, out: Rgb) => lit(base, p, light, out, shine);
}

/**
 * The primitives of a posed body in scene space. Radii in mm scale with the subject's girth;
 * everything is placed through `proj`, the same framing that produced the keypoints.
 */
export function bodyPrimitives(
  body: PosedBody,
  shape: BodyShape,
  look: HumanLook,
  proj: Projector,
  light: Light,
): Primitive[] {
  const J = (
    j: number,
  ): Vec3 => [body.joints[3 * j], body.joints[3 * j + 1], body.joints[3 * j + 2]];
  const P = (v: Vec3) => proj.point(v);
  const k = proj.scale, g = shape.girth;
  const prims: Primitive[] = [];
  const top = (len: number, r: number) => coneCloth(look.top, look.topPattern, len, r, light);
  const bottom = (len: number, r: number) =>
    coneCloth(look.bottom, look.bottomPattern, len, r, light);
  const skin = plain(look.skin, light);
  const cone = (
    a: number,
    b: number,
    ra: number,
    rb: number,
    mat: (len: number, r: number) => Material,
  ) => {
    const len = norm3(sub3(J(b), J(a)));
    const ref = proj.direction(column3(body.frames[b], 0));
    prims.push(new RoundCone(P(J(a)), P(J(b)), ra * k, rb * k, mat(len, (ra + rb) / 2), ref));
  };
  const ellipsoid = (c: Vec3, frame: number, r: Vec3, mat: Material) => {
    const axes = [0, 1, 2].map((i) => proj.direction(column3(body.frames[frame], i)));
    prims.push(new Ellipsoid(P(c), axes, [r[0] * k, r[1] * k, r[2] * k], mat));
  };
  const cloth = (r: Vec3, base: Rgb, pat: Pattern) => ellipsoidCloth(base, pat, r, light);
  // Torso: pelvis, belly and chest ellipsoids; a shoulder bar; neck.
  const pelvisR: Vec3 = [150 * shape.belly, 120, 105 * shape.belly];
  ellipsoid(
    addScaled(J(0), column3(body.frames[0], 1), 10),
    0,
    pelvisR,
    cloth(pelvisR, look.bottom, look.bottomPattern),
  );
  const bellyR: Vec3 = [135 * shape.belly, 150, 100 * shape.belly];
  ellipsoid(lerp3(J(0), J(12), 0.55), 12, bellyR, cloth(bellyR, look.top, look.topPattern));
  const chestR: Vec3 = [160 * shape.chest, 175, 108 * shape.chest];
  const chestC = addScaled(lerp3(J(12), J(13), 0.4), column3(body.frames[13], 2), -10);
  ellipsoid(chestC, 13, chestR, cloth(chestR, look.top, look.topPattern));
  cone(17, 25, 58 * g, 58 * g, top);
  cone(13, 14, 50, 46, () => skin);
  // Head: an ellipsoid about the head joint, oriented by the neck.
  const hs = shape.head;
  const headC = addScaled(
    addScaled(J(14), column3(body.frames[14], 1), 25 * hs),
    column3(body.frames[14], 2),
    -25 * hs,
  );
  ellipsoid(headC, 14, [80 * hs, 108 * hs, 98 * hs], headMaterial(look, light));
  // Arms and hands (with thumbs, so every joint lies on the body).
  for (const [sh, el, wr, th, ha] of [[17, 18, 19, 21, 22], [25, 26, 27, 29, 30]]) {
    cone(sh, el, 58 * g, 47 * g, top);
    cone(el, wr, 45 * g, 34 * g, look.longSleeves ? top : () => skin);
    cone(wr, ha, 30, 25, () => skin);
    cone(wr, th, 17, 14, () => skin);
  }
  // Legs and shoes.
  for (const [hip, knee, ankle, ball, toe] of [[1, 2, 3, 4, 5], [6, 7, 8, 9, 10]]) {
    cone(hip, knee, 92 * g, 64 * g, bottom);
    cone(knee, ankle, 62 * g, 44 * g, look.shorts ? () => skin : bottom);
    cone(ankle, ball, 40, 33, () => plain(look.shoes, light, 1));
    cone(ball, toe, 33, 28, () => plain(look.shoes, light, 1));
  }
  return prims;
}

/**
 * The paper's qualitative claims, checked on whatever evaluations the run has. Each claim names
 * the numbers it needs, a rule stated in words (thresholds included), and returns "holds",
 * "does not hold" (with the numbers) or "not measured in this run" (naming what is missing).
 * All variants share one recipe: a claim is never tuned away per variant.
 *
 * @module
 */
import type { DatasetKind } from "../keypointgan/data/types.ts";
import { oursText, refsText } from "./format.ts";
import { bottleneckWithoutConditional } from "./paper/table4.ts";
import {
  type Config,
  groupConfigs,
  measure,
  type MetricRef,
  type Selector,
} from "./configurations.ts";
import type { ClaimResult, EvaluationInput, OursCell } from "./types.ts";

/** A measured quantity a claim compares. */
interface Quantity {
  readonly label: string;
  readonly cell: OursCell;
}

/** The headline metric of a dataset kind (flip-invariant for humans, as in Tables 1/4/5). */
export function headline(
  kind: DatasetKind,
  predictor: MetricRef["predictor"] = "model",
): MetricRef {
  if (kind === "humans") return { protocol: "simplified_h36m", predictor, flip: "min" };
  return { protocol: kind === "faces" ? "face_iod" : "cat_eyes", predictor };
}

function quantity(
  configs: readonly Config[],
  label: string,
  sel: Selector,
  metric: MetricRef = headline(sel.kind),
): Quantity {
  return { label, cell: measure(configs, sel, metric) };
}

/** "KeypointGAN 2.99 ± 0.09 [E6–E8]". */
function show(q: Quantity): string {
  const refs = refsText(q.cell);
  return `${q.label} ${oursText(q.cell)}${refs ? ` [${refs}]` : ""}`;
}

interface ClaimDef {
  readonly id: string;
  readonly claim: string;
  readonly source: string;
  readonly rule: string;
  readonly quantities: readonly Quantity[];
  /** Given the means (and the measured cells) in `quantities` order: does the claim hold? */
  readonly test: (v: readonly number[], cells: readonly Measured[]) => boolean;
  /** Extra evidence text computed from the means (e.g. a ratio). */
  readonly detail?: (v: readonly number[]) => string;
}

type Measured = Extract<OursCell, { status: "measured" }>;

/**
 * `a` is below `b` as an ordering claim needs it: strictly, and — when both cells have ≥ 2 seeds —
 * by more than their pooled standard deviation √((sd_a² + sd_b²) / 2), so seed noise alone
 * cannot make an ordering hold.
 */
export function clearlyBelow(a: Measured, b: Measured): boolean {
  if (!(a.mean < b.mean)) return false;
  if (a.sd === null || b.sd === null) return true;
  return b.mean - a.mean > Math.sqrt((a.sd ** 2 + b.sd ** 2) / 2);
}

/** A model whose predictions collapsed (any seed) cannot count as recognising poses. */
const collapsed = (c: Measured): boolean => (c.collapsed ?? 0) > 0;

function judge(def: ClaimDef): ClaimResult {
  const missing = def.quantities.filter((q) => q.cell.status !== "measured");
  const refs = def.quantities.flatMap((q) => (q.cell.status === "measured" ? q.cell.refs : []));
  const base = { id: def.id, claim: def.claim, source: def.source, rule: def.rule, refs };
  if (missing.length > 0) {
    const why = missing.map((q) => `${q.label}: ${oursText(q.cell)}`).join("; ");
    return { ...base, verdict: "not measured in this run", evidence: why };
  }
  const cells = def.quantities.map((q) => q.cell as Measured);
  const v = cells.map((c) => c.mean);
  const evidence = def.quantities.map(show).join("; ") + (def.detail ? `; ${def.detail(v)}` : "");
  return { ...base, verdict: def.test(v, cells) ? "holds" : "does not hold", evidence };
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

/** Relative tolerance under which "+ conditional generator" counts as "does not help". */
export const NO_HELP_TOLERANCE = 0.05;
/** Relative distance to the full-prior error under which the 50-sample prior is "close". */
export const PRIOR_CLOSE_TOLERANCE = 0.1;
/** Fraction of the mean-pose baseline above which a model "fails to converge". */
export const FAILS_TO_CONVERGE_FRACTION = 0.9;
/** Fraction of the mean-pose → supervised gap KeypointGAN must close to "approach" supervised. */
export const APPROACH_FRACTION = 0.75;

function ablationClaims(c: readonly Config[], kind: "humans" | "faces"): ClaimDef[] {
  const q = (label: string, variant: Selector["variant"]) => quantity(c, label, { kind, variant });
  const kp = q("KeypointGAN", "keypointgan"), cycle = q("CycleGAN cycle", "keypointgan_cycle");
  const mp = quantity(
    c,
    "mean pose",
    { kind, variant: "keypointgan" },
    headline(kind, "mean_pose"),
  );
  const claims: ClaimDef[] = [{
    id: `ablation-order/${kind}`,
    claim: `KeypointGAN < + skeleton-bottleneck < CycleGAN (${kind})`,
    source: "Table 4, §5.4",
    rule: "holds when the mean errors are strictly ordered (with ≥ 2 seeds: each step by more " +
      "than the pooled sd)",
    quantities: [kp, q("+ skeleton-bottleneck", "bottleneck"), q("CycleGAN", "cyclegan")],
    test: (_, [a, b, c]) => clearlyBelow(a, b) && clearlyBelow(b, c),
  }, {
    id: `second-cycle/${kind}`,
    claim: `Removing the second cycle helps (${kind})`,
    source: "Table 4, §5.4",
    rule: "holds when KeypointGAN's error is below 'CycleGAN cycle' (the full model + the second " +
      "cycle; with ≥ 2 seeds by more than the pooled sd)",
    quantities: [kp, cycle],
    test: (_, [a, b]) => clearlyBelow(a, b),
  }, {
    id: `bottleneck-needs-conditional/${kind}`,
    claim: `The skeleton bottleneck without the conditional generator fails to converge (${kind})`,
    source: "§5.4",
    rule:
      `holds when its error is at least ${FAILS_TO_CONVERGE_FRACTION}× the mean-pose baseline's`,
    quantities: [q("bottleneck without conditional", bottleneckWithoutConditional), mp],
    test: ([a, b]) => a >= FAILS_TO_CONVERGE_FRACTION * b,
    detail: ([a, b]) => `ratio to mean pose ${(a / b).toFixed(2)}`,
  }];
  if (kind === "humans") {
    claims.push({
      id: "conditional-alone/humans",
      claim: "Switching to a conditional generator alone does not help (humans)",
      source: "Table 4, §5.4",
      rule: `holds when '+ conditional generator' is not more than ${
        pct(NO_HELP_TOLERANCE)
      } below CycleGAN`,
      quantities: [q("+ conditional generator", "conditional"), q("CycleGAN", "cyclegan")],
      test: ([a, b]) => a >= (1 - NO_HELP_TOLERANCE) * b,
      detail: ([a, b]) => `change ${pct((a - b) / b)}`,
    });
  }
  return claims;
}

function baselineClaims(c: readonly Config[], kind: DatasetKind): ClaimDef[] {
  const kp = quantity(c, "KeypointGAN", { kind, variant: "keypointgan" });
  const mp = quantity(
    c,
    "mean pose",
    { kind, variant: "keypointgan" },
    headline(kind, "mean_pose"),
  );
  const sup = quantity(c, "supervised Φ∘η", { kind, variant: "supervised" });
  return [{
    id: `beats-mean-pose/${kind}`,
    claim: `KeypointGAN beats the mean-pose baseline (${kind})`,
    source: "implied by Tables 1, 3 (a useful pose recogniser)",
    rule: "holds when KeypointGAN's error is below the mean pose's on the same test split " +
      "(with ≥ 2 seeds by more than the pooled sd) and no seed's model collapsed",
    quantities: [kp, mp],
    test: (_, [a, b]) => !collapsed(a) && clearlyBelow(a, b),
  }, {
    id: `closes-half-gap/${kind}`,
    claim: `KeypointGAN closes half the gap from the mean pose to the supervised Φ∘η (${kind})`,
    source: "issue 15's scaled target (the supervised model: same networks, tier and steps)",
    rule: "holds when KeypointGAN's raw error (no post-processing) ≤ mean − ½ · (mean − " +
      "supervised), the supervised model beats the mean pose, and no seed's model collapsed",
    quantities: [kp, sup, mp],
    test: ([k, s, m], [kc]) => !collapsed(kc) && m > s && k <= m - 0.5 * (m - s),
    detail: ([k, s, m]) =>
      m > s
        ? `target ≤ ${(m - 0.5 * (m - s)).toFixed(2)}; gap closed ${pct((m - k) / (m - s))}`
        : "the supervised model does not beat the mean pose here: no gap to close",
  }, {
    id: `approaches-supervised/${kind}`,
    claim: `KeypointGAN approaches the supervised Φ∘η (${kind})`,
    source: "Tables 1, 2 (Newell et al. rows)",
    rule:
      `holds when KeypointGAN closes at least ${pct(APPROACH_FRACTION)} of the gap from the mean ` +
      "pose to the supervised model",
    quantities: [kp, sup, mp],
    test: ([k, s, m]) => m > s && (m - k) / (m - s) >= APPROACH_FRACTION,
    detail: ([k, s, m]) =>
      m > s
        ? `gap closed ${pct((m - k) / (m - s))}`
        : "the supervised model does not beat the mean pose here: no gap to close",
  }];
}

function priorClaims(c: readonly Config[], kind: "humans" | "faces"): ClaimDef[] {
  const full = quantity(c, "full prior", { kind, variant: "keypointgan" });
  const small = quantity(c, "50-sample prior", { kind, variant: "keypointgan", priorSize: 50 });
  return [{
    id: `prior-50/${kind}`,
    claim:
      `With only 50 unpaired prior samples the error stays close to the full prior's (${kind})`,
    source: "Table 5, §5.5",
    rule: `holds when the 50-sample error is at most ${
      pct(PRIOR_CLOSE_TOLERANCE)
    } above the full prior's`,
    quantities: [small, full],
    test: ([a, b]) => a <= (1 + PRIOR_CLOSE_TOLERANCE) * b,
    detail: ([a, b]) => `change ${pct((a - b) / b)}`,
  }];
}

const PIXELS: MetricRef = { protocol: "h36m_pixels", predictor: "model", flip: "min" };

function otherClaims(c: readonly Config[]): ClaimDef[] {
  return [{
    id: "postprocess-lowers/faces",
    claim: "Supervised post-processing lowers the face error",
    source: "Table 3 (8.67 → 5.12)",
    rule: "holds when the post-processed error is below the raw one",
    quantities: [
      quantity(
        c,
        "with post-processing",
        { kind: "faces", variant: "keypointgan" },
        headline("faces", "model+postprocess"),
      ),
      quantity(c, "without", { kind: "faces", variant: "keypointgan" }),
    ],
    test: ([a, b]) => a < b,
  }, {
    id: "cross-source-prior/humans",
    claim: "A prior from another dataset raises the error (domain gap)",
    source: "§5.1 (18.94 with MPI-INF-3DHP vs 14.46, H3.6M pixel error)",
    rule: "holds when the H3.6M pixel error with a cross-source prior is above the same-source one",
    quantities: [
      quantity(
        c,
        "cross-source prior",
        { kind: "humans", variant: "keypointgan", prior: "cross" },
        PIXELS,
      ),
      quantity(c, "same-source prior", { kind: "humans", variant: "keypointgan" }, PIXELS),
    ],
    test: ([a, b]) => a > b,
  }];
}

/** Every paper claim, checked on the given evaluations. */
export function checkClaims(inputs: readonly EvaluationInput[]): ClaimResult[] {
  const c = groupConfigs(inputs);
  return [
    ...ablationClaims(c, "humans"),
    ...ablationClaims(c, "faces"),
    ...priorClaims(c, "humans"),
    ...priorClaims(c, "faces"),
    ...baselineClaims(c, "humans"),
    ...baselineClaims(c, "faces"),
    ...baselineClaims(c, "cats"),
    ...otherClaims(c),
  ].map(judge);
}

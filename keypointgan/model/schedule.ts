/**
 * Learning-rate schedules (official: constant, digest §5.1). Optional ones exist for the CPU
 * recipe search (issue 10); every choice is a declared train param.
 *
 * @module
 */

export type LrScheduleKind = "constant" | "cosine" | "step";
export const LR_SCHEDULES: readonly LrScheduleKind[] = ["constant", "cosine", "step"];

export interface LrSchedule {
  readonly kind: LrScheduleKind;
  /** Base learning rate. */
  readonly lr: number;
  /** Total steps (cosine decays to 0 at this step). */
  readonly steps: number;
  /** Linear warm-up steps from 0 (0 = none). */
  readonly warmup: number;
  /** `step` schedule: multiply by `stepFactor` every `stepEvery` steps. */
  readonly stepEvery: number;
  readonly stepFactor: number;
}

/** Learning rate for the update number `step` (1-based). */
export function lrAt(s: LrSchedule, step: number): number {
  const warm = s.warmup > 0 ? Math.min(1, step / s.warmup) : 1;
  switch (s.kind) {
    case "constant":
      return s.lr * warm;
    case "cosine":
      return s.lr * warm * 0.5 *
        (1 + Math.cos(Math.PI * Math.min(1, (step - 1) / Math.max(1, s.steps))));
    case "step":
      return s.lr * warm * s.stepFactor ** Math.floor((step - 1) / Math.max(1, s.stepEvery));
  }
}

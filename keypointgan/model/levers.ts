/**
 * Training settings that differ from the official code's configuration, read from a `train`
 * node's resolved params, so that every table built from such a model can say so beside its
 * numbers (issue 15: "any table that uses it says so"). The list mirrors docs/model.md's table of
 * levers that are not in the official code, plus β's σ when it is not the official config's 0.2.
 *
 * @module
 */

/** One non-official setting in words, e.g. "equivariance λ 1000 (not the paper's method)". */
export function nonOfficialSettings(params: Readonly<Record<string, unknown>>): string[] {
  const out: string[] = [];
  const num = (k: string, dflt: number) => (typeof params[k] === "number" ? params[k] : dflt);
  // The supervised baseline trains Φ∘η from labels: no D, no equivariance term (trainer.ts).
  const gan = params.variant !== "supervised";
  if (gan && num("equivariance", 0) > 0) {
    out.push(`equivariance λ ${num("equivariance", 0)} (not the paper's method)`);
  }
  if (gan && num("dNoise", 0) > 0) {
    out.push(`instance noise on D, sd ${num("dNoise", 0)} (not official)`);
  }
  if (gan && params.dMinibatchStd === true) out.push("D's minibatch sd (not official)");
  if (gan && num("dLrScale", 1) !== 1) out.push(`D's lr × ${num("dLrScale", 1)} (not official)`);
  if (num("weightAverage", 0) > 0) {
    out.push(`evaluated weights: moving average, decay ${num("weightAverage", 0)} (not official)`);
  }
  if (params.phiOutput !== undefined && params.phiOutput !== "linear") {
    out.push(`Φ's output ${String(params.phiOutput)} (not official)`);
  }
  const sigma = num("sigma", 0.2);
  if (sigma !== 0.2) {
    out.push(
      sigma === 0.4
        ? "β's σ 0.4 (the official code's default; its config sets 0.2)"
        : `β's σ ${sigma} (official config 0.2)`,
    );
  }
  return out;
}

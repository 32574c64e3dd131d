/**
 * Entry point of every `deno task`: wires the stage registry (the science) into the generic
 * engine (`pipeline/`), which imports neither TF.js nor keypoint code.
 *
 * @module
 */
if (import.meta.main) {
  console.error("keypointgan: the pipeline CLI is being built (see pipeline/cli.ts).");
  Deno.exit(2);
}

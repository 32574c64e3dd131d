/**
 * The Slurm executor's `executor` settings in an experiment file (`"kind": "slurm"`), checked
 * with the experiment before anything runs.
 *
 * @module
 */
import { z } from "zod";
import { sbatchArgsProblem } from "./args.ts";

/** `{ "kind": "slurm", partition?, gpus?, time?, mem?, sbatchArgs? }`. */
export const slurmSettings = z.strictObject({
  kind: z.literal("slurm"),
  partition: z.string().min(1).optional(),
  gpus: z.int().min(0).optional(),
  /** Wall-time limit per job, as sbatch's --time (e.g. "04:00:00"). */
  time: z.string().regex(
    /^(\d+-)?\d{1,2}(:\d{2}){0,2}$/,
    'expected sbatch --time like "04:00:00"',
  )
    .optional(),
  /** Memory per job, as sbatch's --mem (e.g. "16G"). */
  mem: z.string().regex(/^\d+[KMGT]?$/, 'expected sbatch --mem like "16G"').optional(),
  /** More sbatch options (`["--account=lab"]`); options the executor sets are refused. */
  sbatchArgs: z.array(z.string().min(1)).optional(),
}).superRefine((v, ctx) => {
  const problem = sbatchArgsProblem(v);
  if (problem) ctx.addIssue({ code: "custom", message: problem, path: ["sbatchArgs"] });
});

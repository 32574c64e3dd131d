/** The CLI help text. @module */

/** The flags of run/report. */
const FLAGS = `Flags of run/report:
  --dry-run                  print the plan: each node cached or to run, and why; run nothing
  -j, --jobs N               nodes computed at once (default: number of cores; 1 = in-process;
                             slurm: jobs queued at once, default unlimited)
  --executor local|slurm     where nodes run (default: the experiment's "executor", else local);
                             slurm: one sbatch job per ready node, store shared (docs/slurm.md)
  --on-interrupt ask|cancel|keep
                             slurm: what Ctrl-C does with submitted jobs (default: ask on a
                             terminal, else cancel); kept jobs are re-attached by the next run
  --only STAGE[,STAGE]       plan only these stages and what they need
  --force STAGE[@VARIANT]    recompute those nodes and everything downstream (repeatable)
  --from STAGE               recompute STAGE and everything downstream
  -s, --set K=V              override a param: stage.param=value or global=value (repeatable;
                             JSON values, e.g. --set train.steps=200 --set seed=3)
  --variant NAME             run only these variants (a name or a matrix label; repeatable)
  --backend NAME             same as --set backend=NAME
  --store DIR                artifact store (default: $KEYPOINTGAN_STORE, else .cache)
  --gc                       after the run, gc what no experiment reaches`;

/** Printed by `--help`. */
export const USAGE = `KeypointGAN lab — cached experiment pipeline

Usage: deno task <task> [args]     (tasks wrap: deno run -A main.ts <command> [args])

Commands:
  run [experiment] [flags]   run an experiment (default: ablation); only missing nodes compute
  report [experiment]        compute what the report needs, print its tables
  runs [id [id]]             list runs in the ledger; show one; compare two (prefix or "last")
  gc [--dry-run]             delete artifacts no experiment in experiments/ reaches
  exec-node --job FILE       compute one planned node (used by --jobs workers and Slurm jobs)

${FLAGS}

Exit codes: 0 ok · 1 a node failed · 2 invalid experiment or usage · 130 interrupted
`;

/** `run --help` / `report --help` (`deno task ablation --help`, `deno task smoke --help`). */
export const RUN_USAGE =
  `Usage: deno task ablation [experiment] [flags]   (= main.ts run; smoke: the tiny experiment)
       deno task report [experiment] [flags]     (= main.ts report: only what the tables need)

Runs an experiment of experiments/ (default: ablation); only nodes missing from the store compute.

${FLAGS}
More: deno task runs --help · deno task predict --help · deno task notebook --help ·
      deno task ui --help · deno run -A main.ts gc --help · deno run -A main.ts --help

Exit codes: 0 ok · 1 a node failed · 2 invalid experiment or usage · 130 interrupted
`;

/** `gc --help`. */
export const GC_USAGE = `Usage: deno run -A main.ts gc [--dry-run] [--store DIR]

Deletes the artifacts that no experiment in experiments/ reaches (the ledger is kept).

  --dry-run      list what would be deleted and how much space it frees; delete nothing
  --store DIR    artifact store (default: $KEYPOINTGAN_STORE, else .cache)
`;

import assert from "node:assert/strict";
import { join } from "node:path";
import { ExperimentError, formatIssue } from "../../common/errors.ts";
import { loadExperiment } from "../../experiment/experiment.ts";
import {
  checkScript,
  describeSlurm,
  jobName,
  nodeScript,
  resourceArgs,
  sbatchArgsProblem,
} from "./args.ts";
import { fixtureProject } from "../../../tests/fixtures/project.ts";

Deno.test("sbatchArgs: free options pass; owned ones name the setting to use", () => {
  assert.equal(
    sbatchArgsProblem({ sbatchArgs: ["--account=lab", "--qos", "high", "-c4"] }),
    undefined,
  );
  assert.equal(sbatchArgsProblem({ sbatchArgs: ["--gres=gpu:a100:1"] }), undefined);
  assert.equal(
    sbatchArgsProblem({ sbatchArgs: ["account=lab"] }),
    'expected sbatch options starting with "-", received "account=lab"',
  );
  assert.equal(
    sbatchArgsProblem({ sbatchArgs: ["--output=/tmp/x"] }),
    '"--output" is set by the Slurm executor (the controller relies on it)',
  );
  assert.equal(
    sbatchArgsProblem({ sbatchArgs: ["-pgpu"] }),
    '"-p" has its own setting: use executor.partition',
  );
  assert.equal(
    sbatchArgsProblem({ gpus: 1, sbatchArgs: ["--gres=gpu:2"] }),
    '"--gres" conflicts with executor.gpus (set one of them)',
  );
});

Deno.test("resourceArgs: node jobs get everything; the store check stays small", () => {
  const config = {
    partition: "gpu",
    gpus: 2,
    time: "04:00:00",
    mem: "16G",
    sbatchArgs: ["--account=lab"],
  };
  assert.deepEqual(resourceArgs(config), [
    "--partition=gpu",
    "--gres=gpu:2",
    "--time=04:00:00",
    "--mem=16G",
    "--account=lab",
  ]);
  assert.deepEqual(resourceArgs(config, true), [
    "--partition=gpu",
    "--account=lab",
    "--time=00:02:00",
    "--ntasks=1",
  ]);
  assert.deepEqual(resourceArgs({}), []);
  assert.equal(
    describeSlurm(config),
    "slurm · partition gpu · 2 GPUs/job · 04:00:00 · 16G · --account=lab",
  );
  assert.equal(
    jobName("train", ["keypointgan[priorSize=50]"]),
    "kpg.train.keypointgan[priorSize=50]",
  );
  assert.equal(jobName("report", ["a", "b"]), "kpg.report.2runs");
});

async function issuesOf(text: string): Promise<string[]> {
  const dir = await Deno.makeTempDir({ prefix: "kpg-exp-" });
  try {
    await Deno.writeTextFile(join(dir, "x.jsonc"), text);
    const err = await loadExperiment(fixtureProject({ experimentsDir: dir }), "x").then(
      () => undefined,
      (e) => e,
    );
    if (err === undefined) return [];
    assert.ok(err instanceof ExperimentError);
    return err.issues.map((i) => formatIssue(i).replaceAll(dir, "<dir>"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("executor.kind=slurm settings are validated with file:line:col paths", async () => {
  assert.deepEqual(
    await issuesOf(`{ "executor": { "kind": "slurm", "time": "4h", "gpus": -1 } }`),
    [
      "<dir>/x.jsonc:1:48 executor.gpus: Too small: expected number to be >=0",
      '<dir>/x.jsonc:1:34 executor.time: expected sbatch --time like "04:00:00"',
    ],
  );
  assert.deepEqual(
    await issuesOf(`{ "executor": { "kind": "slurm", "mem": "lots", "sbatchArgs": ["-o", "x"] } }`),
    [
      '<dir>/x.jsonc:1:34 executor.mem: expected sbatch --mem like "16G"',
      '<dir>/x.jsonc:1:49 executor.sbatchArgs: "-o" is set by the Slurm executor (the controller relies on it)',
    ],
  );
  assert.deepEqual(
    await issuesOf(`{ "executor": { "kind": "slurm", "partiton": "gpu" } }`),
    ['<dir>/x.jsonc:1:34 executor.partiton: unknown key "partiton"'],
  );
  assert.deepEqual(
    await issuesOf(
      `{ "executor": { "kind": "slurm", "partition": "gpu", "gpus": 1, "time": "1-00:00:00", "mem": "32G", "sbatchArgs": ["--account=lab"] } }`,
    ),
    [],
  );
});

/** A fake `deno` that prints each argument on its own line, and the folders the scripts use. */
async function sandbox() {
  const dir = await Deno.makeTempDir({ prefix: "kpg-slurm-script-" });
  const root = join(dir, "it's a project");
  await Deno.mkdir(root);
  const deno = join(dir, "deno");
  await Deno.writeTextFile(
    deno,
    '#!/bin/sh\npwd\nfor a in "$@"; do echo "$a"; done\necho "threads=$OMP_NUM_THREADS"\n',
  );
  await Deno.chmod(deno, 0o755);
  return { dir, root, deno };
}

async function sh(script: string, env: Record<string, string> = {}) {
  const out = await new Deno.Command("sh", { args: ["-c", script], env }).output();
  return { code: out.code, out: new TextDecoder().decode(out.stdout) };
}

Deno.test("nodeScript: quoting survives odd paths; threads follow the allocation unless pinned", async () => {
  const { dir, root, deno } = await sandbox();
  try {
    const text = nodeScript({
      deno,
      permissions: ["--allow-read"],
      entry: join(root, "main $x.ts"),
      root,
      jobFile: join(dir, "a b.json"),
      store: join(dir, "store`s"),
      header: ["node x"],
    });
    const r = await sh(text, { SLURM_CPUS_PER_TASK: "3" });
    const pinned = await sh(text, { SLURM_CPUS_PER_TASK: "3", KEYPOINTGAN_THREADS: "1" });
    assert.equal(pinned.out.trim().split("\n").at(-1), "threads=1", "a set thread count wins");
    assert.equal(r.code, 0);
    assert.deepEqual(r.out.trim().split("\n"), [
      root,
      "run",
      "--allow-read",
      join(root, "main $x.ts"),
      "exec-node",
      "--job",
      join(dir, "a b.json"),
      "--store",
      join(dir, "store`s"),
      "threads=3",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("checkScript: echoes the token and names what the node lacks", async () => {
  const { dir, deno } = await sandbox();
  try {
    const [challenge, marker] = [join(dir, "c"), join(dir, "m")];
    await Deno.writeTextFile(challenge, "tok-1");
    const script = (entry: string, d = deno) =>
      checkScript({ challenge, marker, deno: d, entry, waitSeconds: 1 });
    const ok = await sh(script(deno), { SLURM_JOB_ID: "7" });
    assert.equal(ok.code, 0);
    const text = await Deno.readTextFile(marker);
    assert.match(text, /^token=tok-1\nhost=.+\njob=7\nproblems=\n$/);
    const bad = await sh(script(join(dir, "nope.ts"), join(dir, "no-deno")), { SLURM_JOB_ID: "8" });
    assert.equal(bad.code, 1);
    assert.match(await Deno.readTextFile(marker), /problems= deno-missing entry-missing/);
    await Deno.remove(challenge);
    assert.equal((await sh(script(deno))).code, 3, "no challenge visible: gives up");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

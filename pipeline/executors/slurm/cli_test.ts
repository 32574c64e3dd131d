import assert from "node:assert/strict";
import { join } from "node:path";
import {
  missingTools,
  parseSacct,
  parseScontrol,
  parseSqueue,
  SlurmCli,
  SlurmCommandError,
} from "./cli.ts";

Deno.test("parsers: squeue lines, sacct states with 'by', scontrol records", () => {
  assert.deepEqual(
    [...parseSqueue("12|PENDING|Priority|\n13|RUNNING|None|node07\n\n").values()],
    [
      { id: "12", state: "PENDING", reason: "Priority", nodes: "" },
      { id: "13", state: "RUNNING", reason: "None", nodes: "node07" },
    ],
  );
  assert.deepEqual(parseSacct("CANCELLED by 0|0:15\n"), { state: "CANCELLED", exitCode: "0:15" });
  assert.equal(parseSacct("\n"), undefined);
  assert.deepEqual(
    parseScontrol("JobId=2 JobName=wrap JobState=FAILED Reason=NonZeroExitCode ExitCode=3:0 X=1"),
    { state: "FAILED", exitCode: "3:0" },
  );
  assert.equal(parseScontrol("slurm_load_jobs error: Invalid job id specified"), undefined);
});

/** A PATH holding fake Slurm commands (shell scripts). */
async function fakeSlurm(commands: Record<string, string>) {
  const dir = await Deno.makeTempDir({ prefix: "kpg-fake-slurm-" });
  for (const [name, body] of Object.entries(commands)) {
    await Deno.writeTextFile(join(dir, name), `#!/bin/sh\n${body}\n`);
    await Deno.chmod(join(dir, name), 0o755);
  }
  return dir;
}

Deno.test("missingTools: only executables on PATH count", async () => {
  const dir = await fakeSlurm({ sbatch: "true" });
  await Deno.writeTextFile(join(dir, "squeue"), "not executable");
  try {
    assert.deepEqual(missingTools(["sbatch", "squeue", "scancel"], dir), ["squeue", "scancel"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SlurmCli: job id from --parsable, unknown ids, sacct → scontrol fallback, errors", async () => {
  const dir = await fakeSlurm({
    sbatch: 'echo "$@" > "$(dirname "$0")/sbatch.args"; echo "4242;cluster1"',
    squeue: 'echo "slurm_load_jobs error: Invalid job id specified" >&2; exit 1',
    sacct: 'echo "Slurm accounting storage is disabled" >&2; exit 1',
    scontrol: 'echo "JobId=$4 JobState=TIMEOUT Reason=TimeLimit ExitCode=0:15"',
    scancel: 'echo "scancel: error: Invalid job id $1" >&2; exit 1',
  });
  try {
    const cli = new SlurmCli({ PATH: `${dir}:/usr/bin:/bin` });
    assert.equal(await cli.submit(["--partition=gpu"], "/x/job.sh"), "4242");
    assert.equal(
      (await Deno.readTextFile(join(dir, "sbatch.args"))).trim(),
      "--parsable --partition=gpu /x/job.sh",
    );
    assert.deepEqual(await cli.states(["1", "2"]), new Map());
    assert.deepEqual(await cli.final("9"), { state: "TIMEOUT", exitCode: "0:15" });
    await assert.rejects(
      cli.cancel(["5"]),
      (e) =>
        e instanceof SlurmCommandError &&
        /scancel 5 failed: scancel: error: Invalid job id 5/.test(e.message),
    );
    const none = new SlurmCli({ PATH: dir.replace("slurm", "none") });
    await assert.rejects(none.submit([], "x"), /sbatch is not on PATH/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

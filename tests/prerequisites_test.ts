/**
 * The first-run check (`keypointgan/prerequisites.ts`, issue 17 item 1): on a fresh root apt
 * machine the native backend's packages are installed before any work, saying so in one line;
 * elsewhere the run stops with one line giving the exact command, unless `--backend cpu` was
 * asked for. A fake machine stands in for apt and the libraries; the last test runs the real
 * CLI with the native backend disabled and checks that nothing was computed.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { checkPrerequisites, type Machine } from "../keypointgan/prerequisites.ts";

interface FakeState {
  root?: boolean;
  apt?: boolean;
  os?: string;
  env?: Record<string, string>;
  blas?: boolean;
  cc?: boolean;
  /** apt-get calls that fail, in order (e.g. the first install of a fresh image). */
  failures?: string[];
}

function fakeMachine(s: FakeState) {
  const calls: string[] = [];
  let blas = s.blas ?? true;
  let cc = s.cc ?? true;
  const failures = [...(s.failures ?? [])];
  const machine: Machine = {
    os: s.os ?? "linux",
    env: (name) => s.env?.[name],
    isRoot: () => s.root ?? false,
    hasCommand: (name) => name === "apt-get" ? s.apt ?? true : true,
    blasFilePresent: () => blas,
    loadBlas: () => {
      calls.push("loadBlas");
      return blas ? { description: "OpenBLAS 0.3.21 (Haswell kernels), 2 threads" } : {
        reason: "no BLAS library found",
      };
    },
    compilerProblem: () => cc ? undefined : "no C compiler: cc, gcc and clang are missing",
    run: (cmd, args) => {
      const line = `${cmd} ${args.join(" ")}`;
      calls.push(line);
      if (failures.length && line.includes(failures[0])) {
        failures.shift();
        return Promise.resolve({ success: false, output: "E: Unable to locate package gcc\n" });
      }
      if (args[0] === "install") {
        if (args.includes("libopenblas0-pthread")) blas = true;
        if (args.includes("gcc")) cc = true;
      }
      return Promise.resolve({ success: true, output: "" });
    },
  };
  return { machine, calls };
}

const TRAIN = { stage: "train", params: { backend: "auto" } };
const DATA = { stage: "prepare_data", params: { dataset: "humans" } };

async function check(nodes: { stage: string; params: Record<string, unknown> }[], s: FakeState) {
  const { machine, calls } = fakeMachine(s);
  const lines: string[] = [];
  const stop = await checkPrerequisites(nodes, (l) => lines.push(l), machine);
  return { stop, lines, calls };
}

Deno.test("prerequisites present: one backend line, nothing installed", async () => {
  const r = await check([DATA, TRAIN], { root: true });
  assert.equal(r.stop, undefined);
  assert.deepEqual(r.lines, ["backend: native (OpenBLAS 0.3.21 (Haswell kernels), 2 threads)"]);
  assert.deepEqual(r.calls, ["loadBlas"]);
});

Deno.test("a fresh root apt machine: installs OpenBLAS, gcc and libc6-dev first, in one line", async () => {
  // A fresh image has no package lists: the first install fails, update, install again.
  const r = await check([TRAIN], { root: true, blas: false, cc: false, failures: ["install"] });
  assert.equal(r.stop, undefined);
  assert.equal(r.lines.length, 2, r.lines.join("\n"));
  assert.match(
    r.lines[0],
    /^installing what the fast CPU path needs \(OpenBLAS and a C compiler, once\): apt-get install -y libopenblas0-pthread gcc libc6-dev$/,
  );
  assert.match(r.lines[1], /^backend: native \(OpenBLAS/);
  const pkgs = "libopenblas0-pthread gcc libc6-dev";
  assert.deepEqual(r.calls, [
    `apt-get install -y -q --no-install-recommends ${pkgs}`,
    "apt-get update -q",
    `apt-get install -y -q --no-install-recommends ${pkgs}`,
    "loadBlas", // only after the install: the process loads the library once
  ]);
});

Deno.test("only what is missing is installed (a compiler on a machine with OpenBLAS)", async () => {
  const r = await check([TRAIN], { root: true, cc: false });
  assert.equal(r.stop, undefined);
  assert.match(r.lines[0], /\(a C compiler, once\): apt-get install -y gcc libc6-dev$/);
});

Deno.test("not root: stops before any work with one line giving the exact command", async () => {
  const r = await check([TRAIN], { root: false, blas: false, cc: false });
  assert.ok(r.stop);
  assert.doesNotMatch(r.stop, /\n/);
  assert.match(
    r.stop,
    /needs OpenBLAS and a C compiler: sudo apt-get install -y libopenblas0-pthread gcc libc6-dev,/,
  );
  assert.match(r.stop, /or pass --backend cpu/);
  assert.deepEqual(r.lines, []);
  assert.ok(!r.calls.some((c) => c.startsWith("apt-get")), "nothing installed");
});

Deno.test("KEYPOINTGAN_INSTALL=0 stops instead of installing, even as root", async () => {
  const r = await check([TRAIN], { root: true, blas: false, env: { KEYPOINTGAN_INSTALL: "0" } });
  assert.match(r.stop ?? "", /needs OpenBLAS: sudo apt-get install -y libopenblas0-pthread/);
  assert.ok(!r.calls.some((c) => c.startsWith("apt-get")));
});

Deno.test("--backend cpu on purpose: no check, one line saying what it costs", async () => {
  const r = await check([{ stage: "train", params: { backend: "cpu" } }], {
    blas: false,
    cc: false,
  });
  assert.equal(r.stop, undefined);
  assert.deepEqual(r.lines, [
    "backend: cpu (requested; training is over 200× slower than on the native backend)",
  ]);
  assert.deepEqual(r.calls, []);
});

Deno.test("nothing that computes uses a backend (e.g. --only prepare_data): no check, no line", async () => {
  const r = await check([DATA], { blas: false });
  assert.equal(r.stop, undefined);
  assert.deepEqual(r.lines, []);
});

Deno.test("KEYPOINTGAN_BLAS=none disables the native backend: stop, naming the setting", async () => {
  const r = await check([TRAIN], { root: true, env: { KEYPOINTGAN_BLAS: "none" } });
  assert.match(r.stop ?? "", /disabled by KEYPOINTGAN_BLAS=none: unset it, or pass --backend cpu/);
});

Deno.test("a failing apt-get stops with its last line", async () => {
  const r = await check([TRAIN], {
    root: true,
    blas: false,
    failures: ["install", "update"],
  });
  assert.match(r.stop ?? "", /apt-get install libopenblas0-pthread failed \(apt-get update: E:/);
});

Deno.test("no compiler but KEYPOINTGAN_NATIVE_HELPER=0: the JS loops are accepted", async () => {
  const r = await check([TRAIN], { cc: false, env: { KEYPOINTGAN_NATIVE_HELPER: "0" } });
  assert.equal(r.stop, undefined);
  const s = await check([TRAIN], { cc: false });
  assert.match(s.stop ?? "", /C compiler.*sudo apt-get install -y gcc libc6-dev.*NATIVE_HELPER=0/);
});

Deno.test("macOS and apt-less Linux get their own command", async () => {
  const mac = await check([TRAIN], { os: "darwin", blas: false });
  assert.match(mac.stop ?? "", /brew install openblas/);
  const other = await check([TRAIN], { apt: false, blas: false, root: true });
  assert.match(other.stop ?? "", /with your package manager \(or set KEYPOINTGAN_BLAS=/);
});

Deno.test("the CLI stops before any work when the native backend is unavailable", async () => {
  const store = await Deno.makeTempDir({ prefix: "kpg-prereq-" });
  const main = fileURLToPath(new URL("../main.ts", import.meta.url));
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", main, "run", "smoke", "--store", store],
    env: { KEYPOINTGAN_BLAS: "none" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 2, stderr);
  const stops = stderr.split("\n").filter((l) => l.startsWith("✖"));
  assert.deepEqual(stops.length, 1, stderr);
  assert.match(stops[0], /KEYPOINTGAN_BLAS=none.*--backend cpu.*nothing was run$/);
  assert.deepEqual([...Deno.readDirSync(store)], [], "nothing written to the store");
  await Deno.remove(store, { recursive: true });
});

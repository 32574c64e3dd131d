/**
 * Before a run computes anything: does this machine have what the fast `native` backend needs
 * (OpenBLAS and a C compiler with the C headers, see `keypointgan/native/`)? When it does, one
 * line says which backend the run uses. When it does not and we are root with apt-get (a fresh
 * Debian/Ubuntu machine or container), the missing packages are installed first, saying so in
 * one line. Otherwise the run stops before any work with a one-line instruction — unless every
 * node that computes asked for another backend on purpose (`--backend cpu`).
 *
 * Settings: `KEYPOINTGAN_INSTALL=0` never installs (stop with the instruction instead);
 * `KEYPOINTGAN_BLAS` (a library path, or `none`) and `KEYPOINTGAN_NATIVE_HELPER=0` (no C
 * helper, so no compiler needed) as in `keypointgan/native/`.
 *
 * Nothing here imports TF.js; main.ts hands `checkPrerequisites` to the engine as its preflight.
 * Must not dlopen OpenBLAS before `loadBlas` does: `loadBlas` sets OPENBLAS_CORETYPE first,
 * and the library reads it only once per process.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { blasCandidates, isBlas, loadBlas } from "./native/blas.ts";
import { MEASURED_NATIVE_SPEEDUP } from "./native/probe.ts";

/** The Debian/Ubuntu packages of the fast path: the library, and what builds the C helper. */
export const BLAS_PACKAGES = ["libopenblas0-pthread"] as const;
export const COMPILER_PACKAGES = ["gcc", "libc6-dev"] as const;

/** What the check asks of the machine (a fake in tests). */
export interface Machine {
  readonly os: string;
  env(name: string): string | undefined;
  isRoot(): boolean;
  hasCommand(name: string): boolean;
  /** Whether a BLAS library file exists at one of the absolute paths `loadBlas` tries. */
  blasFilePresent(): boolean;
  /** `loadBlas()`: once per process, so call it only when the library should be there. */
  loadBlas(): { description: string } | { reason: string };
  /** Why the C helper cannot be compiled (no compiler, no headers), or undefined. */
  compilerProblem(): string | undefined;
  run(cmd: string, args: string[]): Promise<{ success: boolean; output: string }>;
}

/** A node that will compute, as the engine's preflight sees it. */
export interface PreflightNode {
  readonly stage: string;
  readonly params: Readonly<Record<string, unknown>>;
}

/**
 * Checks (and on a root apt machine, installs) the prerequisites of the backends the nodes
 * asked for. Logs one line on success; returns a one-line stop message otherwise.
 */
export async function checkPrerequisites(
  nodes: readonly PreflightNode[],
  log: (line: string) => void,
  machine: Machine = realMachine(),
): Promise<string | undefined> {
  const wanted = new Set(
    nodes.map((n) => n.params.backend).filter((b): b is string => typeof b === "string"),
  );
  if (wanted.size === 0) return undefined; // nothing that computes uses a TF.js backend
  const others = [...wanted].filter((b) => b !== "auto" && b !== "native");
  const slower = `over ${MEASURED_NATIVE_SPEEDUP.cpu}× slower`;
  const otherText = others.map((b) =>
    `${b} (requested${b === "cpu" ? `; training is ${slower} than on the native backend` : ""})`
  ).join(", ");
  if (!wanted.has("auto") && !wanted.has("native")) {
    log(`backend: ${otherText}`);
    return undefined;
  }
  const native = await ensureNative(machine, log);
  if (typeof native !== "string") {
    return `${native.stop}, or pass --backend cpu to train on TF.js's stock CPU backend ` +
      `(${slower})`;
  }
  log(`backend: native (${native})${others.length ? `; ${otherText}` : ""}`);
  return undefined;
}

/** The native backend's description, or why it cannot run here. */
async function ensureNative(
  m: Machine,
  log: (line: string) => void,
): Promise<string | { stop: string }> {
  const blasEnv = m.env("KEYPOINTGAN_BLAS");
  if (blasEnv && /^(none|off|0)$/i.test(blasEnv)) {
    return { stop: `the native backend is disabled by KEYPOINTGAN_BLAS=${blasEnv}: unset it` };
  }
  const helperOff = m.env("KEYPOINTGAN_NATIVE_HELPER") === "0";
  // Without any library file at the known paths, OpenBLAS is not installed (a soname found
  // through LD_LIBRARY_PATH still counts: `loadBlas` below decides when we do not install).
  let blasMissing = !blasEnv && m.os === "linux" && !m.blasFilePresent();
  let ccProblem = helperOff ? undefined : m.compilerProblem();
  const packages = () => [
    ...(blasMissing ? BLAS_PACKAGES : []),
    ...(ccProblem ? COMPILER_PACKAGES : []),
  ];
  if (packages().length > 0 && canInstall(m)) {
    const list = packages();
    const what = [blasMissing && "OpenBLAS", ccProblem && "a C compiler"].filter(Boolean);
    log(
      `installing what the fast CPU path needs (${what.join(" and ")}, once): ` +
        `apt-get install -y ${list.join(" ")}`,
    );
    const failed = await aptInstall(m, list);
    if (failed) return { stop: `apt-get install ${list.join(" ")} failed (${failed})` };
    blasMissing = !m.blasFilePresent();
    ccProblem = helperOff ? undefined : m.compilerProblem();
    if (blasMissing) return { stop: `OpenBLAS is still not found after installing ${list[0]}` };
  }
  const blas = m.loadBlas();
  if ("reason" in blas) {
    const broken = blasMissing ? "" : ` (${blas.reason})`;
    const cc = ccProblem ? " and a C compiler" : "";
    return {
      stop: `the fast CPU path needs OpenBLAS${broken}${cc}: ${installHint(m, true, !!ccProblem)}`,
    };
  }
  if (ccProblem) {
    return {
      stop: `the fast CPU path needs a C compiler for its helper (${ccProblem}): ` +
        `${installHint(m, false, true)}, or set KEYPOINTGAN_NATIVE_HELPER=0 to run the native ` +
        `backend without it (≈ 4.5× slower)`,
    };
  }
  return blas.description;
}

function canInstall(m: Machine): boolean {
  return m.os === "linux" && m.env("KEYPOINTGAN_INSTALL") !== "0" && m.isRoot() &&
    m.hasCommand("apt-get");
}

/** `apt-get install`; on failure (a fresh image has no package lists) update and retry. */
async function aptInstall(m: Machine, packages: readonly string[]): Promise<string | undefined> {
  const install = ["install", "-y", "-q", "--no-install-recommends", ...packages];
  let r = await m.run("apt-get", install);
  if (r.success) return undefined;
  const update = await m.run("apt-get", ["update", "-q"]);
  if (!update.success) return `apt-get update: ${lastLine(update.output)}`;
  r = await m.run("apt-get", install);
  return r.success ? undefined : lastLine(r.output);
}

/** The exact command for this machine. */
export function installHint(m: Pick<Machine, "os" | "hasCommand">, blas: boolean, cc: boolean) {
  const deb = [...(blas ? BLAS_PACKAGES : []), ...(cc ? COMPILER_PACKAGES : [])];
  if (m.os === "darwin") {
    return [blas && "brew install openblas", cc && "xcode-select --install"].filter(Boolean)
      .join(" and ");
  }
  if (m.hasCommand("apt-get")) return `sudo apt-get install -y ${deb.join(" ")}`;
  const what = [blas && "OpenBLAS (libopenblas.so.0)", cc && "a C compiler (cc)"].filter(Boolean);
  return `install ${what.join(" and ")} with your package manager` +
    (blas ? " (or set KEYPOINTGAN_BLAS=/path/to/libopenblas.so)" : "");
}

function lastLine(text: string): string {
  return text.trim().split("\n").filter((l) => l.trim()).at(-1)?.trim() ?? "no output";
}

/** The machine this process runs on. */
export function realMachine(): Machine {
  const env = (name: string) => {
    try {
      return Deno.env.get(name);
    } catch {
      return undefined;
    }
  };
  const hasCommand = (name: string) => {
    try {
      return new Deno.Command(name, { args: ["--version"], stdout: "null", stderr: "null" })
        .outputSync().success;
    } catch {
      return false;
    }
  };
  return {
    os: Deno.build.os,
    env,
    isRoot: () => {
      try {
        return Deno.uid() === 0;
      } catch {
        return false;
      }
    },
    hasCommand,
    blasFilePresent: () => blasCandidates().some((p) => p.startsWith("/") && existsSync(p)),
    loadBlas: () => {
      const b = loadBlas();
      // Thread counts differ per worker (`--jobs`); the node logs give each one's.
      return isBlas(b)
        ? { description: b.description.replace(/, \d+ threads?$/, "") }
        : { reason: b.reason };
    },
    compilerProblem: () => compilerProblem(env, hasCommand),
    run: async (cmd, args) => {
      try {
        const out = await new Deno.Command(cmd, {
          args,
          env: { DEBIAN_FRONTEND: "noninteractive" },
          stdin: "null",
          stdout: "piped",
          stderr: "piped",
        }).output();
        const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
        return { success: out.success, output: text };
      } catch (e) {
        return { success: false, output: (e as Error).message };
      }
    },
  };
}

/** The helper's compiler choice (`CC`, `cc`, `gcc`, `clang`), checked with the headers it uses. */
function compilerProblem(
  env: (name: string) => string | undefined,
  hasCommand: (name: string) => boolean,
): string | undefined {
  const cc = [env("CC"), "cc", "gcc", "clang"].find((c): c is string => !!c && hasCommand(c));
  if (cc === undefined) return "no C compiler: cc, gcc and clang are missing";
  const headers = ["math.h", "pthread.h", "stdlib.h", "string.h", "dlfcn.h"]
    .map((h) => `#include <${h}>\n`).join("");
  let src: string | undefined;
  try {
    src = Deno.makeTempFileSync({ prefix: "kpg-headers-", suffix: ".c" });
    Deno.writeTextFileSync(src, headers);
    const out = new Deno.Command(cc, {
      args: ["-E", "-o", "/dev/null", src],
      stdout: "null",
      stderr: "piped",
    }).outputSync();
    if (out.success) return undefined;
    const first = new TextDecoder().decode(out.stderr).split("\n").find((l) => l.trim()) ?? "";
    return `${cc} cannot find the C headers (${first.trim().slice(0, 120)})`;
  } catch (e) {
    return `${cc} cannot run (${(e as Error).message.split("\n")[0]})`;
  } finally {
    if (src) Deno.remove(src).catch(() => {});
  }
}

/**
 * A table of malformed experiments, each asserting the exact issues reported (file:line:col,
 * dotted path, message). Every case is loaded against the fixture registry from a temp folder.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ExperimentError, formatIssue } from "../pipeline/common/errors.ts";
import { loadExperiment, type LoadOptions } from "../pipeline/experiment/experiment.ts";
import { fixtureProject } from "./fixtures/project.ts";

interface Case {
  readonly name: string;
  /** Files of the temp experiments folder (name without extension → JSONC text). */
  readonly files: Record<string, string>;
  /** Experiment to load. @default "x" */
  readonly load?: string;
  readonly opts?: LoadOptions;
  /** Expected issues, formatted, with the folder shown as `<dir>/`. */
  readonly expect: string[];
}

const BASE = `{ "variants": { "base": {}, "double": { "params": { "scale": { "factor": 4 } } } } }`;

export const CASES: Case[] = [
  {
    name: "syntax error",
    files: { x: `{ "tier": "tiny" "seed": 1 }` },
    expect: ['<dir>/x.jsonc:1:18: invalid JSONC: expected "," between entries (CommaExpected)'],
  },
  {
    name: "unclosed brace: one problem, naming where it opened",
    files: { x: `{\n  "tier": "tiny",\n  "params": { "slow": { "steps": 2 }\n` },
    expect: [
      '<dir>/x.jsonc:4:1: invalid JSONC: expected "}": the "{" at line 3, column 13 is never closed (CloseBraceExpected)',
    ],
  },
  {
    name: "a binary file: one problem, not dozens",
    files: { x: "\u007fELF\u0002\u0001\u0001\u0000" + "\u0000\u0003@".repeat(50) },
    expect: [
      "<dir>/x.jsonc:1:8: not a text file (a NUL byte at offset 7): expected a JSONC experiment file",
    ],
  },
  {
    name: "a number too large for a float, in the file and in --set",
    files: { x: `{ "params": { "slow": { "steps": 1e400 } } }` },
    expect: [
      "<dir>/x.jsonc:1:34 params.slow.steps: not a finite number: 1e400 overflows a 64-bit float (the largest is about 1.8e308)",
    ],
  },
  {
    name: "--set with a number too large for a float",
    files: { x: `{}` },
    opts: { set: ["scale.factor=1e400"] },
    expect: [
      "--set scale.factor: not a finite number: 1e400 overflows a 64-bit float (the largest is about 1.8e308)",
    ],
  },
  {
    name: "top level is not an object",
    files: { x: `[1, 2]` },
    expect: ["<dir>/x.jsonc:1:1: expected an experiment object, received array"],
  },
  {
    name: "misspelt global",
    files: { x: `{ "sed": 1 }` },
    expect: ['<dir>/x.jsonc:1:3 sed: unknown key "sed"; did you mean "seed"?'],
  },
  {
    name: "stage params at the top level",
    files: { x: `{ "scale": { "factor": 2 } }` },
    expect: [
      '<dir>/x.jsonc:1:3 scale: unknown key "scale" (stage params go under "params": { "scale": {…} })',
    ],
  },
  {
    name: "global of the wrong type",
    files: { x: `{\n  "seed": "one"\n}` },
    expect: ["<dir>/x.jsonc:2:3 seed: Invalid input: expected number, received string"],
  },
  {
    name: "global outside its enum",
    files: { x: `{ "tier": "huge" }` },
    expect: ['<dir>/x.jsonc:1:3 tier: Invalid option: expected one of "tiny"|"small"|"paper"'],
  },
  {
    name: "description of the wrong type",
    files: { x: `{ "description": 3 }` },
    expect: ["<dir>/x.jsonc:1:3 description: Invalid input: expected string, received number"],
  },
  {
    name: "misspelt stage under params",
    files: { x: `{ "params": { "scael": {} } }` },
    expect: ['<dir>/x.jsonc:1:15 params.scael: unknown stage "scael"; did you mean "scale"?'],
  },
  {
    name: "misspelt param",
    files: { x: `{ "params": { "scale": { "factr": 3 } } }` },
    expect: [
      '<dir>/x.jsonc:1:26 params.scale.factr: unknown param "factr" of stage "scale"; did you mean "factor"?',
    ],
  },
  {
    name: "param of the wrong type",
    files: { x: `{ "params": { "slow": { "steps": 2.5 } } }` },
    expect: ["<dir>/x.jsonc:1:25 params.slow.steps: Invalid input: expected int, received number"],
  },
  {
    name: "param out of range",
    files: { x: `{ "params": { "source": { "count": 0 } } }` },
    expect: ["<dir>/x.jsonc:1:27 params.source.count: Too small: expected number to be >=1"],
  },
  {
    name: "stage params not an object",
    files: { x: `{ "params": { "scale": 3 } }` },
    expect: [
      '<dir>/x.jsonc:1:15 params.scale: expected an object of "scale" params, received number',
    ],
  },
  {
    name: "cross-field check of the stage schema fails after merging",
    files: { x: `{ "params": { "scale": { "factor": 13 } } }` },
    expect: ["<dir>/x.jsonc:1:26 params.scale.factor: factor 13 is unlucky"],
  },
  {
    name: "variants not an object",
    files: { x: `{ "variants": [] }` },
    expect: [
      "<dir>/x.jsonc:1:3 variants: expected an object keyed by variant label, received array",
    ],
  },
  {
    name: "variant label with brackets",
    files: { x: `{ "variants": { "a[1]": {} } }` },
    expect: [
      `<dir>/x.jsonc:1:17 variants["a[1]"]: variant labels use letters, digits, "_", "-", "." and "+"`,
    ],
  },
  {
    name: "misspelt key in a variant",
    files: { x: `{ "variants": { "a": { "parms": {} } } }` },
    expect: ['<dir>/x.jsonc:1:24 variants.a.parms: unknown key "parms"; did you mean "params"?'],
  },
  {
    name: "variant sets params of a fan-in stage",
    files: { x: `{ "variants": { "a": { "params": { "summarize": { "title": "t" } } } } }` },
    expect: [
      '<dir>/x.jsonc:1:36 variants.a.params.summarize: stage "summarize" runs once per experiment ' +
      "(it fans in over all variants): set its params at the top level",
    ],
  },
  {
    name: "variant is not an object",
    files: { x: `{ "variants": { "a": 3 } }` },
    expect: ["<dir>/x.jsonc:1:17 variants.a: expected a variant object or null, received number"],
  },
  {
    name: "null removes a variant that is not inherited",
    files: { x: `{ "variants": { "ghost": null } }` },
    expect: [
      '<dir>/x.jsonc:1:17 variants.ghost: null removes an inherited variant, but "ghost" is not inherited',
    ],
  },
  {
    name: "matrix over a misspelt global",
    files: { x: `{ "matrix": { "sead": [1, 2] } }` },
    expect: ['<dir>/x.jsonc:1:15 matrix.sead: unknown global "sead"; did you mean "seed"?'],
  },
  {
    name: "matrix over a misspelt param",
    files: { x: `{ "matrix": { "scale.factr": [1] } }` },
    expect: [
      '<dir>/x.jsonc:1:15 matrix["scale.factr"]: unknown param "factr" of stage "scale"; did you mean "factor"?',
    ],
  },
  {
    name: "matrix over a misspelt stage",
    files: { x: `{ "matrix": { "sacle.factor": [1] } }` },
    expect: [
      '<dir>/x.jsonc:1:15 matrix["sacle.factor"]: unknown stage "sacle"; did you mean "scale"?',
    ],
  },
  {
    name: "matrix with no values",
    files: { x: `{ "matrix": { "seed": [] } }` },
    expect: [
      "<dir>/x.jsonc:1:15 matrix.seed: expected a non-empty array of values, received an empty array",
    ],
  },
  {
    name: "matrix value of the wrong type",
    files: { x: `{ "matrix": { "scale.factor": [1, "x"] } }` },
    expect: [
      '<dir>/x.jsonc:1:35 matrix["scale.factor"][1]: Invalid input: expected number, received string',
    ],
  },
  {
    name: "matrix with a duplicate value",
    files: { x: `{ "variants": { "a": { "matrix": { "seed": [1, 1] } } } }` },
    expect: ["<dir>/x.jsonc:1:48 variants.a.matrix.seed[1]: duplicate value 1"],
  },
  {
    name: "matrix over a fan-in stage",
    files: { x: `{ "matrix": { "summarize.title": ["a", "b"] } }` },
    expect: [
      '<dir>/x.jsonc:1:15 matrix["summarize.title"]: stage "summarize" runs once per experiment ' +
      "(it fans in over all variants): it cannot be swept",
    ],
  },
  {
    name: "unknown target",
    files: { x: `{ "target": "sumarize" }` },
    expect: ['<dir>/x.jsonc:1:3 target: unknown stage "sumarize"; did you mean "summarize"?'],
  },
  {
    name: "unknown executor kind",
    files: { x: `{ "executor": { "kind": "cloud" } }` },
    expect: ['<dir>/x.jsonc:1:17 executor.kind: expected "local" or "slurm", received "cloud"'],
  },
  {
    name: "executor with zero jobs",
    files: { x: `{ "executor": { "kind": "local", "jobs": 0 } }` },
    expect: ["<dir>/x.jsonc:1:34 executor.jobs: Too small: expected number to be >=1"],
  },
  {
    name: "extends a misspelt experiment",
    files: { base: BASE, x: `{ "extends": "bsae" }` },
    expect: ['<dir>/x.jsonc:1:3 extends: unknown experiment "bsae"; did you mean "base"?'],
  },
  {
    name: "extends cycle",
    files: { x: `{ "extends": "y" }`, y: `{ "extends": "x" }` },
    expect: ["<dir>/y.jsonc:1:3 extends: extends cycle: x → y → x"],
  },
  {
    name: "an error in an inherited file names that file",
    files: {
      base: `{\n  "params": { "slow": { "stepz": 1 } }\n}`,
      x: `{ "extends": "base", "seed": 1 }`,
    },
    expect: [
      '<dir>/base.jsonc:2:25 params.slow.stepz: unknown param "stepz" of stage "slow"; did you mean "steps"?',
    ],
  },
  {
    name: "every problem at once, in file order",
    files: {
      x: `{\n  "sed": 1,\n  "params": { "scale": { "factor": "2" } },\n  "target": "nope"\n}`,
    },
    expect: [
      '<dir>/x.jsonc:2:3 sed: unknown key "sed"; did you mean "seed"?',
      "<dir>/x.jsonc:3:26 params.scale.factor: Invalid input: expected number, received string",
      '<dir>/x.jsonc:4:3 target: unknown stage "nope"; valid: "source", "scale", "slow", "summarize"',
    ],
  },
  {
    name: "--set: unknown param, unknown global, bad value, bad syntax",
    files: { x: `{}` },
    opts: { set: ["scale.factr=2", "sead=1", "scale.factor=abc", "nonsense"] },
    expect: [
      '--set scale.factr: unknown param "factr" of stage "scale"; did you mean "factor"?',
      '--set sead: unknown global "sead"; did you mean "seed"?',
      "--set scale.factor: Invalid input: expected number, received string",
      "--set nonsense: expected stage.param=value or global=value",
    ],
  },
  {
    name: "--variant names an unknown variant",
    files: { base: BASE },
    load: "base",
    opts: { variants: ["dubble"] },
    expect: ['--variant dubble: unknown variant "dubble"; did you mean "double"?'],
  },
  {
    name: "unknown experiment name",
    files: { base: BASE },
    load: "bsae",
    expect: ['experiment: unknown experiment "bsae"; did you mean "base"?'],
  },
];

for (const c of CASES) {
  Deno.test(`malformed experiment: ${c.name}`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "kpg-exp-" });
    try {
      for (const [name, text] of Object.entries(c.files)) {
        await Deno.writeTextFile(join(dir, `${name}.jsonc`), text);
      }
      const project = fixtureProject({ experimentsDir: dir });
      const err = await loadExperiment(project, c.load ?? "x", c.opts).then(
        () => undefined,
        (e) => e,
      );
      assert.ok(err instanceof ExperimentError, `expected an ExperimentError, got ${err}`);
      assert.deepEqual(err.issues.map((i) => formatIssue(i).replaceAll(dir, "<dir>")), c.expect);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

Deno.test("the table has at least 20 cases", () => {
  assert.ok(CASES.length >= 20);
});

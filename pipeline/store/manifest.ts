/**
 * The manifest: written last into an artifact's directory, it is what makes the directory an
 * artifact. It records the key, the exact spec that was hashed, every file's size and
 * SHA-256, the stage's summary and the run that computed it.
 *
 * @module
 */
import { z } from "zod";

/** Bump when the store layout or key derivation changes: old artifacts become misses. */
export const STORE_FORMAT = 1;

/** An input as hashed: an upstream key, a fan-in list `{variant, key}[]`, or null (absent). */
export type SpecInput =
  | string
  | readonly { readonly variant: string; readonly key: string }[]
  | null;

/** What the cache key is the SHA-256 of (canonical JSON). */
export interface NodeSpec {
  readonly format: number;
  readonly stage: string;
  readonly version: number;
  /** `Fingerprint.hash` of the stage's code closure. */
  readonly code: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly inputs: Readonly<Record<string, SpecInput>>;
  /**
   * The experiment's name, for experiment-level (fan-in) nodes only: their outputs describe the
   * experiment (its name is printed in the report), so two experiments never share one.
   */
  readonly experiment?: string;
}

const fileEntry = z.strictObject({
  size: z.int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

/** Schema every manifest must satisfy to count. */
export const manifestSchema = z.object({
  format: z.literal(STORE_FORMAT),
  key: z.string().regex(/^[0-9a-f]{64}$/),
  stage: z.string(),
  complete: z.literal(true),
  spec: z.object({
    format: z.number(),
    stage: z.string(),
    version: z.number(),
    code: z.string(),
    params: z.record(z.string(), z.unknown()),
    inputs: z.record(z.string(), z.unknown()),
    experiment: z.string().optional(),
  }),
  code: z.object({
    files: z.record(z.string(), z.string()),
    packages: z.record(z.string(), z.string()),
  }),
  files: z.record(z.string(), fileEntry),
  summary: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])),
  experiment: z.string(),
  variants: z.array(z.string()),
  /** Keys of partial fan-in inputs that had no artifact: such an artifact is never a hit. */
  missing: z.array(z.string()).optional(),
  runId: z.string(),
  started: z.string(),
  finished: z.string(),
  seconds: z.number(),
  host: z.string(),
  deno: z.string(),
});

/** A validated manifest. */
export type Manifest = z.infer<typeof manifestSchema>;

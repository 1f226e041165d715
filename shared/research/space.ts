/**
 * The search space of the optimiser: which config fields to vary and over what. A space file is
 * JSON, validated with zod and then against the base config:
 *
 * ```json
 * { "sampler": "tpe",
 *   "params": {
 *     "gates.minScore":        { "type": "int",   "min": 50, "max": 90, "step": 5 },
 *     "exits.takeProfitPct":   { "type": "float", "min": 0.1, "max": 0.8, "step": 0.05 },
 *     "exits.maxHoldMs":       { "type": "int",   "min": 30000, "max": 900000, "log": true },
 *     "execution.entryOrder":  { "type": "choice", "values": ["postOnly", "market"] },
 *     "indicators.rsiPeriods": { "type": "choice", "values": [[2, 5, 15, 30], [5, 15]] } } }
 * ```
 *
 * A parameter name is a dotted path into the bot config (`indicators.rsiPeriods.0` reaches into an
 * array). Every parameter maps to a unit coordinate u ∈ [0, 1] (log-scaled when `log`), which is
 * what the samplers work in.
 * @module
 */
import { z } from "zod";
import type { BotConfig } from "../config/schema";
import { applyParams, readPath } from "./apply-params";

/** One value per parameter name: what a trial sets. */
export type Params = Readonly<Record<string, unknown>>;

const IntParamSchema = z.strictObject({
  type: z.literal("int"),
  min: z.number().int(),
  max: z.number().int(),
  step: z.number().int().positive().default(1),
  log: z.boolean().default(false),
});

const FloatParamSchema = z.strictObject({
  type: z.literal("float"),
  min: z.number(),
  max: z.number(),
  /** Values are rounded to min + k·step; a grid search needs it. */
  step: z.number().positive().optional(),
  log: z.boolean().default(false),
});

const ChoiceParamSchema = z.strictObject({
  type: z.literal("choice"),
  values: z.array(z.json()).min(1).max(1000),
});

/** The samplers: exhaustive grid, seeded uniform random, and a tree-structured Parzen estimator. */
export const SAMPLERS = ["grid", "random", "tpe"] as const;

/** Name of a sampler. */
export type SamplerName = (typeof SAMPLERS)[number];

/** The schema of a space file. */
export const SpaceFileSchema = z.strictObject({
  sampler: z.enum(SAMPLERS).optional(),
  params: z
    .record(z.string().min(1), z.discriminatedUnion("type", [IntParamSchema, FloatParamSchema, ChoiceParamSchema]))
    .refine((p) => Object.keys(p).length > 0, { message: "name at least one parameter" }),
});

/** An integer parameter. */
export type IntParam = z.output<typeof IntParamSchema> & { readonly name: string };
/** A real parameter. */
export type FloatParam = z.output<typeof FloatParamSchema> & { readonly name: string };
/** A parameter taking one of a list of JSON values. */
export type ChoiceParam = z.output<typeof ChoiceParamSchema> & { readonly name: string };
/** One parameter of a space. */
export type Param = IntParam | FloatParam | ChoiceParam;

/** A validated space: parameters sorted by name (the order every sampler uses). */
export interface Space {
  readonly sampler: SamplerName | undefined;
  readonly params: readonly Param[];
}

/** A space, or every problem with it (path = the parameter or field). */
export type SpaceResult =
  | { readonly ok: true; readonly space: Space }
  | { readonly ok: false; readonly issues: { readonly path: string; readonly message: string }[] };

/**
 * Validates a space file against the schema and against `base`: each path must exist in the config,
 * numeric parameters must point at numbers, `min <= max`, `log` needs `min > 0`, and the bounds
 * (each choice) must make a valid config on their own.
 */
export function parseSpace(input: unknown, base: BotConfig): SpaceResult {
  const r = SpaceFileSchema.safeParse(input);
  if (!r.success)
    return {
      ok: false,
      issues: r.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })),
    };
  const names = Object.keys(r.data.params).sort();
  const params: Param[] = names.map((name) => ({ ...r.data.params[name], name }) as Param);
  const issues = params.flatMap((p) => checkParam(p, base).map((message) => ({ path: `params.${p.name}`, message })));
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, space: { sampler: r.data.sampler, params } };
}

function checkParam(p: Param, base: BotConfig): string[] {
  const at = readPath(base, p.name);
  if (!at.ok) return [at.error];
  if (p.type === "choice") return p.values.flatMap((v) => invalidAlone(base, p.name, v));
  if (typeof at.value !== "number")
    return [`a ${p.type} parameter needs a number field, this one holds ${JSON.stringify(at.value)}`];
  if (!(p.min <= p.max)) return [`min ${p.min} is above max ${p.max}`];
  if (p.log && !(p.min > 0)) return ["log scale needs min > 0"];
  return [...invalidAlone(base, p.name, p.min), ...invalidAlone(base, p.name, valueAt(p, 1))];
}

function invalidAlone(base: BotConfig, name: string, value: unknown): string[] {
  const r = applyParams(base, { [name]: value });
  return r.ok
    ? []
    : r.issues.map((i) => `${JSON.stringify(value)} makes an invalid config: ${i.path || "(root)"}: ${i.message}`);
}

/**
 * The value of a parameter at unit coordinate u ∈ [0, 1]: numeric ones interpolate min..max
 * (geometrically when `log`) and snap to min + k·step; a choice takes value ⌊u·n⌋ (n values).
 */
export function valueAt(p: Param, u: number): unknown {
  const x = u <= 0 ? 0 : u >= 1 ? 1 : u;
  if (p.type === "choice") return p.values[Math.min(p.values.length - 1, Math.floor(x * p.values.length))];
  const raw = p.log ? Math.exp(Math.log(p.min) + x * (Math.log(p.max) - Math.log(p.min))) : p.min + x * (p.max - p.min);
  const step = p.step;
  if (step === undefined) return raw;
  const k = Math.min(Math.round((raw - p.min) / step), Math.floor((p.max - p.min) / step + 1e-9));
  return roundTo(p.min + k * step, step);
}

/** The unit coordinate of a value (inverse of {@link valueAt} up to snapping); a choice gives the middle of its slot. */
export function unitOf(p: Param, value: unknown): number {
  if (p.type === "choice") {
    const i = p.values.findIndex((v) => JSON.stringify(v) === JSON.stringify(value));
    return (Math.max(0, i) + 0.5) / p.values.length;
  }
  const v = value as number;
  if (p.max === p.min) return 0.5;
  const u = p.log
    ? (Math.log(v) - Math.log(p.min)) / (Math.log(p.max) - Math.log(p.min))
    : (v - p.min) / (p.max - p.min);
  return u <= 0 ? 0 : u >= 1 ? 1 : u;
}

/** Rounds away float noise from min + k·step (e.g. 0.30000000000000004 → 0.3). */
function roundTo(x: number, step: number): number {
  const decimals = Math.min(12, Math.max(0, -Math.floor(Math.log10(step)) + 2));
  return Number(x.toFixed(decimals));
}

import { z } from "zod";
import { fnv1a64 } from "./fnv1a64";
import { BOT_CONFIG_FIELDS, BotConfigSchema, type BotConfig } from "./schema";

/** One invalid field: its dotted path (e.g. `gates.minScore`) and what is wrong with it. */
export interface ConfigIssue {
  readonly path: string;
  readonly message: string;
}

/** A config validation result: the full config with its version, or every bad field. */
export type ConfigResult =
  | { readonly ok: true; readonly config: BotConfig; readonly version: string }
  | { readonly ok: false; readonly issues: ConfigIssue[] };

/** Validates a user config (any JSON value), fills in the plan's defaults and versions it. */
export function parseConfig(input: unknown): ConfigResult {
  const r = BotConfigSchema.safeParse(input);
  if (!r.success) return { ok: false, issues: toIssues(r.error) };
  return { ok: true, config: r.data, version: configVersion(r.data) };
}

/**
 * What {@link parseConfig} gives for `config`, a fresh copy of a validated config in which only the
 * top-level fields named in `changed` were edited: the top-level fields validate independently (the
 * schema has no rule spanning two), so only the edited ones are parsed, and the version reuses the
 * canonical JSON of the others from `unchangedJson` (the caller's cache for that one base config,
 * filled in here on first use). The optimiser versions a config per trial; this is most of that cost.
 */
export function reparseConfig(
  config: Record<string, unknown>,
  changed: ReadonlySet<string>,
  unchangedJson: Map<string, string>,
): ConfigResult {
  const issues: ConfigIssue[] = [];
  const fields = BOT_CONFIG_FIELDS as Record<string, z.ZodType>;
  for (const key of changed) if (!(key in fields)) issues.push({ path: key, message: "unknown field" });
  // In the schema's order, as the full parse reports them.
  for (const [key, schema] of Object.entries(fields)) {
    if (!changed.has(key)) continue;
    const r = schema.safeParse(config[key]);
    if (r.success) config[key] = r.data;
    else issues.push(...toIssues(r.error, key));
  }
  if (issues.length > 0) return { ok: false, issues };
  const parts = Object.keys(config)
    .sort()
    .map((key) => {
      if (changed.has(key)) return `${JSON.stringify(key)}:${canonicalJson(config[key])}`;
      let json = unchangedJson.get(key);
      if (json === undefined) unchangedJson.set(key, (json = `${JSON.stringify(key)}:${canonicalJson(config[key])}`));
      return json;
    });
  return { ok: true, config: config as BotConfig, version: `v-${fnv1a64(`{${parts.join(",")}}`)}` };
}

/**
 * Validates a config that must be whole (a replacement): as {@link parseConfig}, and every field
 * must be given, so a replacement never resets a setting to its default without saying so. Each
 * missing field is an issue naming its path.
 */
export function parseWholeConfig(input: unknown): ConfigResult {
  const r = parseConfig(input);
  if (!r.ok) return r;
  const missing = missingPaths(r.config, input, []);
  if (missing.length === 0) return r;
  const message = "missing: a replacement gives every field (PATCH changes some)";
  return { ok: false, issues: missing.map((path) => ({ path, message })) };
}

/** Paths of `full`'s object fields that `given` lacks (arrays and values are leaves). */
function missingPaths(full: unknown, given: unknown, path: string[]): string[] {
  if (!isPlainObject(full)) return [];
  if (!isPlainObject(given)) return [path.join(".")];
  return Object.keys(full).flatMap((k) =>
    k in given ? missingPaths(full[k], given[k], [...path, k]) : [[...path, k].join(".")],
  );
}

/** The default config: the plan's numbers. */
export function defaultConfig(): BotConfig {
  return BotConfigSchema.parse({});
}

/** Deep-merges a partial patch into a config (arrays are replaced whole), then validates the result. */
export function patchConfig(base: BotConfig, patch: unknown): ConfigResult {
  if (!isPlainObject(patch))
    return { ok: false, issues: [{ path: "", message: "a config patch must be a JSON object" }] };
  return parseConfig(merge(base, patch));
}

/**
 * The content version of a config: `v-` + 16 hex digits of FNV-1a 64 over its canonical JSON
 * (keys sorted). Equal configs have equal versions on every runtime.
 */
export function configVersion(config: BotConfig): string {
  return `v-${fnv1a64(canonicalJson(config))}`;
}

/** The JSON Schema of the config (for the API docs): what a user may send. */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(BotConfigSchema, { io: "input" }) as Record<string, unknown>;
}

function toIssues(error: z.ZodError, under?: string): ConfigIssue[] {
  return error.issues.map((i) => {
    const base = (under === undefined ? i.path : [under, ...i.path]).map(String).join(".");
    if (i.code === "unrecognized_keys") {
      return { path: [base, ...i.keys].filter(Boolean).join("."), message: "unknown field" };
    }
    return { path: base, message: i.message };
  });
}

/** JSON with object keys sorted at every level. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

function merge(base: unknown, patch: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(patch)) return patch;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) out[k] = k in base ? merge(base[k], v) : v;
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

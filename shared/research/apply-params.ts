/**
 * Turns a trial's parameters into a bot config: each dotted path is set on a copy of the base
 * config and the result is validated by the config schema, so a trial runs exactly the config that
 * `PUT /api/config` would accept.
 * @module
 */
import { reparseConfig, type ConfigResult } from "../config/config";
import type { BotConfig } from "../config/schema";
import type { Params } from "./space";

/** The value at a dotted path, or why the path does not exist. */
export function readPath(
  config: unknown,
  path: string,
): { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string } {
  let at: unknown = config;
  const parts = path.split(".");
  for (let i = 0; i < parts.length; i++) {
    const key = parts[i];
    const where = parts.slice(0, i + 1).join(".");
    if (Array.isArray(at)) {
      const idx = /^\d+$/.test(key) ? Number(key) : NaN;
      if (!(idx < at.length)) return { ok: false, error: `${where}: no such element (the array has ${at.length})` };
      at = at[idx];
      continue;
    }
    if (typeof at !== "object" || at === null || !Object.hasOwn(at, key))
      return { ok: false, error: `${where}: no such config field` };
    at = (at as Record<string, unknown>)[key];
  }
  return { ok: true, value: at };
}

/**
 * `base` with every parameter set at its path, validated (and versioned) as {@link parseConfig}
 * would, parsing only the top-level fields the parameters touch ({@link reparseConfig}). `base` must
 * be a validated config that is not changed afterwards (its fields' canonical JSON is cached).
 * Paths that do not exist are reported as invalid rather than created.
 */
export function applyParams(base: BotConfig, params: Params): ConfigResult {
  const copy = structuredClone(base) as unknown as Record<string, unknown>;
  const changed = new Set<string>();
  for (const [path, value] of Object.entries(params)) {
    const parts = path.split(".");
    const parent = readPath(copy, parts.slice(0, -1).join("."));
    const exists =
      parts.length === 1 ? readPath(copy, path) : parent.ok ? readPath(parent.value, parts[parts.length - 1]) : parent;
    if (!exists.ok) return { ok: false, issues: [{ path, message: "no such config field" }] };
    const holder = (parts.length === 1 ? copy : (parent as { value: unknown }).value) as Record<string, unknown>;
    holder[parts[parts.length - 1]] = structuredClone(value);
    changed.add(parts[0]);
  }
  return reparseConfig(copy, changed, unchangedJsonOf(base));
}

/** Per base config, the canonical JSON of each top-level field (a search applies hundreds of trials to one base). */
const unchangedJsonByBase = new WeakMap<BotConfig, Map<string, string>>();

function unchangedJsonOf(base: BotConfig): Map<string, string> {
  let cache = unchangedJsonByBase.get(base);
  if (cache === undefined) unchangedJsonByBase.set(base, (cache = new Map()));
  return cache;
}

/**
 * Seeded config candidates for property tests: the default config with a few leaves changed to values
 * drawn from the config's own JSON Schema (bounds, enums, array lengths), biased towards the bounds,
 * where construction bugs live. The schema then decides whether a candidate is a config; the property
 * tests assert what must hold for every one it accepts.
 * @module
 */
import { configJsonSchema, defaultConfig } from "../config";
import type { Prng } from "../../research/prng";

type Json = Record<string, unknown>;

/** A JSON Schema node as zod writes it. */
interface Node {
  type?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: Node | false;
  prefixItems?: Node[];
  properties?: Record<string, Node>;
  pattern?: string;
  default?: unknown;
  anyOf?: Node[];
}

/** A leaf of the config: its path and schema. */
interface Leaf {
  readonly path: readonly string[];
  readonly node: Node;
}

function leavesOf(node: Node, path: string[], out: Leaf[]): Leaf[] {
  if (node.type === "object" && node.properties !== undefined) {
    for (const [k, child] of Object.entries(node.properties)) leavesOf(child, [...path, k], out);
    return out;
  }
  out.push({ path, node });
  return out;
}

const HUGE = 1e12;

function pick<T>(rand: Prng, values: readonly T[]): T {
  return values[Math.floor(rand() * values.length)];
}

/** A number inside the node's bounds: often a bound itself or next to one, else uniform (log-uniform over wide ranges). */
function numberOf(node: Node, rand: Prng): number {
  const integer = node.type === "integer";
  const step = integer ? 1 : 1e-6;
  const lo = node.minimum ?? (node.exclusiveMinimum !== undefined ? node.exclusiveMinimum + step : -HUGE);
  const hi = Math.min(
    node.maximum ?? (node.exclusiveMaximum !== undefined ? node.exclusiveMaximum - step : HUGE),
    HUGE,
  );
  const r = rand();
  let v: number;
  if (r < 0.2) v = lo;
  else if (r < 0.4) v = hi;
  else if (r < 0.5) v = lo + step * Math.floor(rand() * 3);
  else if (lo > 0 && hi / lo > 1000) v = lo * (hi / lo) ** rand();
  else v = lo + (hi - lo) * rand();
  v = Math.min(hi, Math.max(lo, v));
  return integer ? Math.round(v) : v;
}

function stringOf(node: Node, rand: Prng): string {
  if (node.pattern?.includes("USDT")) return pick(rand, ["BTCUSDT", "ETHUSDT", "SOLUSDT", "1000PEPEUSDT", "XRPUSDT"]);
  return pick(rand, ["BTCUSDT", "ETHUSDT", "X1"]);
}

/** A value the node allows (mostly): enums, bounded numbers, arrays of allowed length, objects field by field. */
export function sampleOf(node: Node, rand: Prng): unknown {
  if (node.anyOf !== undefined) return sampleOf(pick(rand, node.anyOf), rand);
  if (node.enum !== undefined) return pick(rand, node.enum);
  switch (node.type) {
    case "boolean":
      return rand() < 0.5;
    case "integer":
    case "number":
      return numberOf(node, rand);
    case "string":
      return stringOf(node, rand);
    case "array": {
      if (node.prefixItems !== undefined) return node.prefixItems.map((n) => sampleOf(n, rand));
      const min = node.minItems ?? 0;
      const max = Math.min(node.maxItems ?? 8, min + 8);
      const n = min + Math.floor(rand() * (max - min + 1));
      const item = node.items === false || node.items === undefined ? {} : node.items;
      return Array.from({ length: n }, () => sampleOf(item, rand));
    }
    case "object": {
      const out: Json = {};
      for (const [k, child] of Object.entries(node.properties ?? {})) out[k] = sampleOf(child, rand);
      return out;
    }
    default:
      return null;
  }
}

let cachedLeaves: Leaf[] | null = null;

/** Every leaf of the config's input schema (objects are walked; arrays and tuples are leaves). */
export function configLeaves(): readonly Leaf[] {
  cachedLeaves ??= leavesOf(configJsonSchema() as Node, [], []);
  return cachedLeaves;
}

/**
 * A config candidate: the defaults with `changes` leaves (1–4 when omitted) set to values drawn from
 * their schema. Plain JSON; the schema may still refuse it (a cross-field rule, a refinement).
 */
export function randomConfigCandidate(rand: Prng, changes?: number): Json {
  const config = structuredClone(defaultConfig()) as unknown as Json;
  const leaves = configLeaves();
  const n = changes ?? 1 + Math.floor(rand() * 4);
  for (let i = 0; i < n; i++) {
    const leaf = pick(rand, leaves);
    let at = config;
    for (const k of leaf.path.slice(0, -1)) at = at[k] as Json;
    at[leaf.path[leaf.path.length - 1]] = sampleOf(leaf.node, rand);
  }
  return config;
}

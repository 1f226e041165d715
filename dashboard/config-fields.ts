/**
 * The config form's model, without the DOM: the config's leaves as fields (kind from the value,
 * choices and bounds from the config's JSON Schema), what a raw input means, the patch of the
 * changed fields, and which field an API issue belongs to. The form does not validate the config
 * itself: it sends the patch and shows the API's issues, so the rules are exactly the API's.
 * @module
 */

/** How a field is edited. `list` holds an array, edited as JSON text. */
export type FieldKind = "number" | "boolean" | "enum" | "text" | "list";

/** One editable leaf of the config. */
export interface ConfigField {
  /** Dotted path, as in the API's issues (`gates.minScore`). */
  readonly path: string;
  /** Top-level group (`gates`); leaves at the top level are in `general`. */
  readonly section: string;
  /** The path inside its section (`confirmation.enabled`). */
  readonly label: string;
  readonly kind: FieldKind;
  readonly value: unknown;
  /** Choices of an `enum` field. */
  readonly options?: readonly string[];
  /** Bounds or format from the schema, for the reader (`0 – 100`, `integer ≥ 1`). */
  readonly hint?: string;
}

/** A JSON Schema node as `z.toJSONSchema` writes the config's (the parts read here). */
export interface SchemaNode {
  readonly type?: string;
  readonly enum?: readonly unknown[];
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly description?: string;
}

/** The section of top-level leaves. */
export const GENERAL_SECTION = "general";

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The schema node at a dotted path, or null. */
export function schemaAt(schema: SchemaNode | null, path: string): SchemaNode | null {
  let node: SchemaNode | null | undefined = schema;
  for (const key of path.split(".")) {
    node = node?.properties?.[key];
    if (node === undefined) return null;
  }
  return node ?? null;
}

/** A short description of a number's bounds: `0 – 100`, `≥ 1`, `> 0`, with `integer` when it is one. */
export function boundsHint(node: SchemaNode | null): string | undefined {
  if (node === null) return undefined;
  const parts: string[] = [];
  const safe = (n: number | undefined) => n !== undefined && Math.abs(n) < 1e15;
  const lo = safe(node.minimum) ? `${node.minimum}` : safe(node.exclusiveMinimum) ? `> ${node.exclusiveMinimum}` : null;
  const hi = safe(node.maximum) ? `${node.maximum}` : safe(node.exclusiveMaximum) ? `< ${node.exclusiveMaximum}` : null;
  if (node.type === "integer") parts.push("integer");
  if (lo !== null && hi !== null && !lo.startsWith(">") && !hi.startsWith("<")) parts.push(`${lo} – ${hi}`);
  else {
    if (lo !== null) parts.push(lo.startsWith(">") ? lo : `≥ ${lo}`);
    if (hi !== null) parts.push(hi.startsWith("<") ? hi : `≤ ${hi}`);
  }
  return parts.length === 0 ? undefined : parts.join(", ");
}

function fieldOf(path: string, value: unknown, schema: SchemaNode | null): ConfigField {
  const dot = path.indexOf(".");
  const section = dot < 0 ? GENERAL_SECTION : path.slice(0, dot);
  const label = dot < 0 ? path : path.slice(dot + 1);
  const node = schemaAt(schema, path);
  if (Array.isArray(value)) return { path, section, label, kind: "list", value, hint: "JSON list" };
  if (typeof value === "boolean") return { path, section, label, kind: "boolean", value };
  if (typeof value === "number") return { path, section, label, kind: "number", value, hint: boundsHint(node) };
  const options = node?.enum?.filter((o): o is string => typeof o === "string");
  if (options !== undefined && options.length > 0) return { path, section, label, kind: "enum", value, options };
  return { path, section, label, kind: "text", value };
}

/** Every leaf of the config in document order; arrays are single `list` fields. */
export function configFields(config: Record<string, unknown>, schema: SchemaNode | null): ConfigField[] {
  const out: ConfigField[] = [];
  const walk = (value: unknown, path: string) => {
    if (isObject(value)) {
      for (const [k, v] of Object.entries(value)) walk(v, path === "" ? k : `${path}.${k}`);
      return;
    }
    out.push(fieldOf(path, value, schema));
  };
  walk(config, "");
  return out;
}

/** What a raw input means: the value to send, or why the text could not be read. */
export type FieldReading =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly message: string };

/**
 * Reads a raw input of a field. A blank number is sent as null (the API names the field); a list
 * must be JSON (the only check made here: text that is not JSON cannot be sent at all).
 */
export function readField(kind: FieldKind, raw: string | boolean): FieldReading {
  if (kind === "boolean") return { ok: true, value: raw === true };
  const text = String(raw).trim();
  if (kind === "number") {
    if (text === "") return { ok: true, value: null };
    const n = Number(text);
    return Number.isFinite(n) ? { ok: true, value: n } : { ok: true, value: text };
  }
  if (kind === "list") {
    try {
      return { ok: true, value: JSON.parse(text) as unknown };
    } catch {
      return { ok: false, message: 'not valid JSON: write a list such as [2, 5, 15] or ["BTCUSDT", "ETHUSDT"]' };
    }
  }
  return { ok: true, value: String(raw) };
}

/** The text an input shows for a value. */
export function showField(kind: FieldKind, value: unknown): string {
  if (kind === "list") return JSON.stringify(value);
  if (value === null || value === undefined) return "";
  return String(value);
}

/** True when two JSON values are equal. */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A nested patch object from dotted paths and values (`gates.minScore` → `{ gates: { minScore } }`). */
export function buildPatch(
  changes: readonly { readonly path: string; readonly value: unknown }[],
): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const { path, value } of changes) {
    const keys = path.split(".");
    let node = patch;
    for (const k of keys.slice(0, -1)) {
      if (!isObject(node[k])) node[k] = {};
      node = node[k] as Record<string, unknown>;
    }
    node[keys[keys.length - 1]] = value;
  }
  return patch;
}

/**
 * The field an issue belongs to: the field with the issue's path, else the field whose path the
 * issue's path extends (`indicators.emaPairs.0` → `indicators.emaPairs`); null when the issue is
 * about a whole section or the root (the form shows those above its fields).
 */
export function issueField(issuePath: string, fieldPaths: readonly string[]): string | null {
  let best: string | null = null;
  for (const f of fieldPaths) {
    if ((issuePath === f || issuePath.startsWith(`${f}.`)) && (best === null || f.length > best.length)) best = f;
  }
  return best;
}

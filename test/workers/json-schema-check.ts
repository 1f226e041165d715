/**
 * A small JSON Schema (2020-12 subset) checker for the response test: the keywords the generated
 * OpenAPI document uses. A keyword it does not know fails the check, so a schema is never passed
 * by being misread. (No JSON Schema validator ships with the project, and ajv compiles with
 * `new Function`, which workerd forbids.)
 * @module
 */

type Schema = Record<string, unknown>;

const ANNOTATIONS = new Set([
  "description",
  "example",
  "examples",
  "default",
  "title",
  "format",
  "readOnly",
  "writeOnly",
  "deprecated",
  "$schema",
  "id",
]);

/** Every place `value` breaks `schema` (empty when it conforms); `$ref`s resolve in `components`. */
export function schemaProblems(
  schema: unknown,
  value: unknown,
  components: Record<string, unknown>,
  at = "body",
): string[] {
  if (schema === true || schema === undefined) return [];
  if (schema === false) return [`${at}: not allowed`];
  const s = schema as Schema;
  const problems: string[] = [];
  for (const [key, rule] of Object.entries(s)) {
    if (ANNOTATIONS.has(key)) continue;
    const p = (msg: string) => problems.push(`${at}: ${msg}`);
    switch (key) {
      case "$ref": {
        const name = String(rule).replace("#/components/schemas/", "");
        if (!(name in components)) p(`unresolved $ref ${String(rule)}`);
        else problems.push(...schemaProblems(components[name], value, components, at));
        break;
      }
      case "type": {
        const types = Array.isArray(rule) ? (rule as string[]) : [rule as string];
        if (!types.some((t) => isType(value, t))) p(`expected ${types.join("|")}, got ${JSON.stringify(value)}`);
        break;
      }
      case "enum":
        if (!(rule as unknown[]).some((v) => v === value)) p(`${JSON.stringify(value)} not in ${JSON.stringify(rule)}`);
        break;
      case "const":
        if (rule !== value) p(`expected ${JSON.stringify(rule)}, got ${JSON.stringify(value)}`);
        break;
      case "properties":
        if (isObject(value))
          for (const [k, sub] of Object.entries(rule as Schema))
            if (k in value) problems.push(...schemaProblems(sub, value[k], components, `${at}.${k}`));
        break;
      case "required":
        if (isObject(value)) for (const k of rule as string[]) if (!(k in value)) p(`missing ${k}`);
        break;
      case "additionalProperties":
        if (isObject(value)) {
          const known = new Set(Object.keys((s.properties as Schema | undefined) ?? {}));
          for (const k of Object.keys(value))
            if (!known.has(k)) problems.push(...schemaProblems(rule, value[k], components, `${at}.${k}`));
        }
        break;
      case "propertyNames":
        if (isObject(value))
          for (const k of Object.keys(value)) problems.push(...schemaProblems(rule, k, components, `${at}[key ${k}]`));
        break;
      case "items": {
        const from = Array.isArray(s.prefixItems) ? s.prefixItems.length : 0;
        if (Array.isArray(value))
          value.slice(from).forEach((v, i) => {
            problems.push(...schemaProblems(rule, v, components, `${at}[${from + i}]`));
          });
        break;
      }
      case "anyOf":
      case "oneOf": {
        const each = (rule as unknown[]).map((sub) => schemaProblems(sub, value, components, at));
        const passing = each.filter((x) => x.length === 0).length;
        if (passing === 0 || (key === "oneOf" && passing > 1)) {
          const closest = each.reduce((a, b) => (b.length < a.length ? b : a));
          p(`${key}: ${passing} of ${each.length} alternatives match; the closest fails: ${closest.join("; ")}`);
        }
        break;
      }
      case "prefixItems":
        if (Array.isArray(value))
          (rule as unknown[]).forEach((sub, i) => {
            if (i < value.length) problems.push(...schemaProblems(sub, value[i], components, `${at}[${i}]`));
          });
        break;
      case "allOf":
        for (const sub of rule as unknown[]) problems.push(...schemaProblems(sub, value, components, at));
        break;
      case "minimum":
        if (typeof value === "number" && value < (rule as number)) p(`${value} < ${rule}`);
        break;
      case "maximum":
        if (typeof value === "number" && value > (rule as number)) p(`${value} > ${rule}`);
        break;
      case "exclusiveMinimum":
        if (typeof value === "number" && value <= (rule as number)) p(`${value} <= ${rule}`);
        break;
      case "exclusiveMaximum":
        if (typeof value === "number" && value >= (rule as number)) p(`${value} >= ${rule}`);
        break;
      case "minLength":
        if (typeof value === "string" && value.length < (rule as number)) p(`shorter than ${rule}`);
        break;
      case "maxLength":
        if (typeof value === "string" && value.length > (rule as number)) p(`longer than ${rule}`);
        break;
      case "pattern":
        if (typeof value === "string" && !new RegExp(rule as string, "u").test(value)) p(`does not match ${rule}`);
        break;
      case "minItems":
        if (Array.isArray(value) && value.length < (rule as number)) p(`fewer than ${rule} items`);
        break;
      case "maxItems":
        if (Array.isArray(value) && value.length > (rule as number)) p(`more than ${rule} items`);
        break;
      default:
        p(`the checker does not know the keyword ${key}`);
    }
  }
  return problems;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isType(v: unknown, t: string): boolean {
  switch (t) {
    case "null":
      return v === null;
    case "object":
      return isObject(v);
    case "array":
      return Array.isArray(v);
    case "integer":
      return Number.isInteger(v);
    case "number":
      return typeof v === "number";
    default:
      return typeof v === t;
  }
}

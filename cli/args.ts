/**
 * A small, strict flag parser shared by the CLIs: `--flag value`, `--flag=value`, booleans, and
 * lists (`--data a.gz b.gz dir/`). Every error names the flag; nothing is guessed. {@link parseCliArgs}
 * adds what every research CLI does with them: `--help` prints the usage, a bad flag prints the error and
 * the usage, exit code 2.
 * @module
 */
import type { CliIo } from "./io";

/** How one flag is read. */
export type FlagSpec =
  | { readonly type: "boolean" }
  | { readonly type: "string" }
  | { readonly type: "list" }
  | { readonly type: "number"; readonly min?: number; readonly integer?: boolean };

/** The parsed value of each kind. */
type ValueOf<S extends FlagSpec> = S extends { type: "boolean" }
  ? boolean
  : S extends { type: "list" }
    ? string[]
    : S extends { type: "number" }
      ? number
      : string;

/** Parsed flags: booleans default to false, the rest are absent when not given. */
export type ParsedFlags<T extends Record<string, FlagSpec>> = {
  [K in keyof T]: T[K] extends { type: "boolean" } ? boolean : ValueOf<T[K]> | undefined;
};

/** The flags, or an error naming the flag. */
export type ArgsResult<T extends Record<string, FlagSpec>> =
  | { readonly ok: true; readonly flags: ParsedFlags<T> }
  | { readonly ok: false; readonly error: string };

/** Parses `argv` against `spec` (keys are flag names without the leading `--`). */
export function parseArgs<T extends Record<string, FlagSpec>>(argv: readonly string[], spec: T): ArgsResult<T> {
  const out: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(spec)) if (s.type === "boolean") out[name] = false;
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("--"))
      return { ok: false, error: `unexpected argument ${JSON.stringify(arg)}: values follow their flag` };
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const s = spec[name];
    if (!s)
      return {
        ok: false,
        error: `unknown flag --${name} (known: ${Object.keys(spec)
          .map((k) => `--${k}`)
          .join(", ")})`,
      };
    if (seen.has(name) && s.type !== "list") return { ok: false, error: `--${name} is given twice` };
    seen.add(name);
    if (s.type === "boolean") {
      if (eq >= 0) return { ok: false, error: `--${name} takes no value` };
      out[name] = true;
      continue;
    }
    if (s.type === "list") {
      const values = (out[name] as string[] | undefined) ?? [];
      if (eq >= 0) values.push(arg.slice(eq + 1));
      while (i + 1 < argv.length && !argv[i + 1].startsWith("--")) values.push(argv[++i]);
      if (values.length === 0) return { ok: false, error: `--${name} needs at least one value` };
      out[name] = values;
      continue;
    }
    const raw = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (raw === undefined || (eq < 0 && raw.startsWith("--"))) return { ok: false, error: `--${name} needs a value` };
    if (s.type === "string") {
      out[name] = raw;
      continue;
    }
    const n = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(n))
      return { ok: false, error: `--${name} must be a number, got ${JSON.stringify(raw)}` };
    if (s.integer && !Number.isInteger(n)) return { ok: false, error: `--${name} must be an integer, got ${raw}` };
    if (s.min !== undefined && n < s.min) return { ok: false, error: `--${name} must be >= ${s.min}, got ${raw}` };
    out[name] = n;
  }
  return { ok: true, flags: out as ParsedFlags<T> };
}

/** A CLI's name (the prefix of its errors) and its usage line. */
export interface CliUsage {
  readonly name: string;
  readonly usage: string;
}

/**
 * Parses a CLI's `argv` (its spec has `--help`): the flags, or the exit code it already reported: 0
 * after printing the usage for `--help`, 2 after {@link usageError} for a bad flag.
 */
export function parseCliArgs<T extends Record<string, FlagSpec> & { help: { type: "boolean" } }>(
  argv: readonly string[],
  spec: T,
  cli: CliUsage,
  io: CliIo,
): { readonly ok: true; readonly flags: ParsedFlags<T> } | { readonly ok: false; readonly code: number } {
  const parsed = parseArgs(argv, spec);
  if (!parsed.ok) return { ok: false, code: usageError(io, cli, parsed.error) };
  if (parsed.flags.help) {
    io.out(cli.usage);
    return { ok: false, code: 0 };
  }
  return parsed;
}

/** Reports a usage error (the error, then the usage line) on stderr; returns exit code 2. */
export function usageError(io: CliIo, cli: CliUsage, error: string): number {
  io.err(`${cli.name}: ${error}\n${cli.usage}`);
  return 2;
}

/** Reports bad input (a file, a config) on stderr; returns exit code 2. */
export function inputError(io: CliIo, cli: CliUsage, error: string): number {
  io.err(`${cli.name}: ${error}`);
  return 2;
}

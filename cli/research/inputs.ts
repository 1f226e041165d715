/**
 * Inputs shared by `npm run optimize` and `npm run importance`: JSON files, the base config, and
 * the data files (expanded and checked like `npm run backtest` does).
 * @module
 */
import { readFile } from "node:fs/promises";
import { parseConfig } from "../../shared/config/config";
import type { BotConfig } from "../../shared/config/schema";
import { expandDataPaths, overlappingSymbols, readHeaders } from "../merge-recordings";
import type { ReadOptions } from "../recording-file";

/** A value, or an error message for the user. */
export type Loaded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** Reads and parses a JSON file; `what` names it in errors (e.g. `--space space.json`). */
export async function readJson(path: string, what: string): Promise<Loaded<unknown>> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return { ok: false, error: `${what}: no such file` };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, error: `${what}: not JSON (${(e as Error).message})` };
  }
}

/** The base config: `--config` validated, or the defaults. */
export async function loadBaseConfig(
  path: string | undefined,
): Promise<Loaded<{ config: BotConfig; version: string }>> {
  let raw: unknown = {};
  if (path !== undefined) {
    const j = await readJson(path, `--config ${path}`);
    if (!j.ok) return j;
    raw = j.value;
  }
  const r = parseConfig(raw);
  if (!r.ok)
    return {
      ok: false,
      error: `--config ${path}: invalid config\n${r.issues.map((i) => `  ${i.path || "(root)"}: ${i.message}`).join("\n")}`,
    };
  return { ok: true, value: { config: r.config, version: r.version } };
}

/** The recording files behind `--data`, refusing two captures of one symbol over the same time. Throws RecordingError on unreadable input. */
export async function loadDataFiles(paths: readonly string[], read: ReadOptions): Promise<Loaded<string[]>> {
  const files = await expandDataPaths(paths);
  const clash = overlappingSymbols(files, await readHeaders(files, read));
  return clash === null ? { ok: true, value: files } : { ok: false, error: clash };
}

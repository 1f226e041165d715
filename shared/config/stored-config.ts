/**
 * Reading a config back from storage. A stored config was valid when it was written, but the schema
 * may have tightened since (a new bound, a new cross-field rule) or the record may be damaged; the
 * object that owns it must then start, halted, and say why, never fail to construct.
 * @module
 */
import { type ConfigIssue, defaultConfig, configVersion, parseConfig } from "./config";
import type { BotConfig } from "./schema";

/** What {@link loadStoredConfig} found: a config to run (with its version), or why there is none. */
export type StoredConfigLoad =
  | {
      readonly ok: true;
      readonly config: BotConfig;
      readonly version: string;
      /** True when nothing was stored (the defaults) or the stored record differs from what loads (write it back). */
      readonly changed: boolean;
    }
  | {
      readonly ok: false;
      /** One line naming every bad field, for the operator. */
      readonly reason: string;
      readonly issues: ConfigIssue[];
      /** The stored config as it is, to patch a fix into; undefined when the record has none. */
      readonly raw: unknown;
      /** The stored version, when the record has one. */
      readonly version: string | undefined;
    };

/**
 * Loads a stored `{ config, version }` record (`undefined`: nothing stored, the plan's defaults).
 * The config is validated again by today's schema and versioned by its content, so a record written
 * by an older schema loads with the new defaults filled in (`changed`).
 */
export function loadStoredConfig(raw: unknown): StoredConfigLoad {
  if (raw === undefined) {
    const config = defaultConfig();
    return { ok: true, config, version: configVersion(config), changed: true };
  }
  if (typeof raw !== "object" || raw === null || !("config" in raw)) {
    const issues = [{ path: "", message: "the stored record has no config" }];
    return { ok: false, reason: "stored config: the record has no config", issues, raw: undefined, version: undefined };
  }
  const record = raw as { config: unknown; version?: unknown };
  const stored = typeof record.version === "string" ? record.version : undefined;
  const r = parseConfig(record.config);
  if (!r.ok) {
    const fields = r.issues.map((i) => `${i.path || "(root)"}: ${i.message}`).join("; ");
    return {
      ok: false,
      reason: `stored config no longer validates: ${fields}`,
      issues: r.issues,
      raw: record.config,
      version: stored,
    };
  }
  return { ok: true, config: r.config, version: r.version, changed: r.version !== stored };
}

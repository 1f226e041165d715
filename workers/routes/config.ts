/**
 * Config routes. The Coordinator validates and versions every change and pushes the new version to
 * the agents; a rejected change answers 422 with every bad field and leaves the config unchanged.
 * After a change the route mirrors its audit entry into D1 (best-effort; the daily rollup mirrors
 * again, idempotently, so a failed write here is repaired).
 * @module
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import { configJsonSchema, parseWholeConfig } from "../../shared/config/config";
import type { BotConfigInput } from "../../shared/config/schema";
import type { ConfigChange } from "../../durable-objects/contracts";
import { coordinatorOf } from "../../durable-objects/agent-rpc";
import type { AppEnv } from "../env";
import { errorBody } from "../errors";
import { ledgerDb } from "../../durable-objects/ledger";
import { mirrorConfigAudit } from "../rollup";
import { jsonBody, validate } from "../validation";

/** Query of `GET /api/config/audit`. */
export const AuditQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).default(50) });

/** A {@link ConfigChange} as it arrives over RPC (tuples widened to arrays). */
type ChangeOverRpc =
  | Exclude<ConfigChange, { ok: true }>
  | {
      readonly ok: true;
      readonly version: string;
      readonly previousVersion: string;
      readonly at: number;
      readonly config: unknown;
    };

/**
 * The version an `If-Match` header names (`"v-…"`, `W/"v-…"` or bare), undefined without one or
 * with `*` (any version). A list of versions is not supported: the first is used.
 */
export function ifMatchVersion(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const first = header.split(",")[0].trim();
  if (first === "" || first === "*") return undefined;
  return first.replace(/^W\//, "").replace(/^"(.*)"$/, "$1");
}

async function answer(c: Context<AppEnv>, kind: "put" | "patch", input: unknown, change: ChangeOverRpc) {
  if (!change.ok && change.staleFor !== undefined) {
    c.header("ETag", `"${change.staleFor}"`);
    return c.json(
      errorBody("stale_version", `The config changed: the current version is ${change.staleFor}`, {
        currentVersion: change.staleFor,
      }),
      412,
    );
  }
  if (!change.ok) {
    const names = change.issues.map((i) => i.path || "(root)").join(", ");
    return c.json(errorBody("invalid_config", `Invalid config: ${names}`, change.issues), 422);
  }
  try {
    await mirrorConfigAudit(ledgerDb(c.env.DB), [
      {
        at: change.at,
        version: change.version,
        previousVersion: change.previousVersion,
        kind,
        change: input as Record<string, unknown>,
      },
    ]);
  } catch (err) {
    console.warn(JSON.stringify({ event: "config_audit_mirror_failed", version: change.version, error: String(err) }));
  }
  c.header("ETag", `"${change.version}"`);
  return c.json(
    { version: change.version, previousVersion: change.previousVersion, at: change.at, config: change.config },
    200,
  );
}

/** Config routes (mounted at `/api/config`). */
export const configRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    // `error` is null unless the stored config no longer loads; `config` is then the stored one as it is.
    const { version, config, error } = await coordinatorOf(c.env).configState();
    c.header("ETag", `"${version}"`);
    return c.json({ version, config, error });
  })
  .put("/", jsonBody<BotConfigInput>(), async (c) => {
    const input = c.req.valid("json");
    // A replacement names every field: an empty or partial body must not reset settings to defaults.
    const whole = parseWholeConfig(input);
    if (!whole.ok) return answer(c, "put", input, whole);
    const expected = ifMatchVersion(c.req.header("If-Match"));
    return answer(c, "put", input, await coordinatorOf(c.env).putConfig(input, expected));
  })
  .patch("/", jsonBody<BotConfigInput>(), async (c) => {
    const input = c.req.valid("json");
    const expected = ifMatchVersion(c.req.header("If-Match"));
    return answer(c, "patch", input, await coordinatorOf(c.env).patchConfig(input, expected));
  })
  .get("/audit", validate("query", AuditQuery), async (c) => {
    const entries = await coordinatorOf(c.env).configAudit(c.req.valid("query").limit);
    return c.json({ entries });
  })
  .get("/schema", (c) => c.json(configJsonSchema()));

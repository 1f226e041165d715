/**
 * Config routes. The Coordinator validates and versions every change and pushes the new version to
 * the agents; a rejected change answers 422 with every bad field and leaves the config unchanged.
 * After a change the route mirrors its audit entry into D1 (best-effort; the daily rollup mirrors
 * again, idempotently, so a failed write here is repaired).
 * @module
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import { configJsonSchema } from "../../shared/config/config";
import type { BotConfigInput } from "../../shared/config/schema";
import type { ConfigChange } from "../../durable-objects/contracts";
import { coordinatorOf } from "../agents";
import type { AppEnv } from "../env";
import { errorBody } from "../errors";
import { ledgerDb } from "../ledger";
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

async function answer(c: Context<AppEnv>, kind: "put" | "patch", input: unknown, change: ChangeOverRpc) {
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
    return c.json({ version, config, error });
  })
  .put("/", jsonBody<BotConfigInput>(), async (c) => {
    const input = c.req.valid("json");
    return answer(c, "put", input, await coordinatorOf(c.env).putConfig(input));
  })
  .patch("/", jsonBody<BotConfigInput>(), async (c) => {
    const input = c.req.valid("json");
    return answer(c, "patch", input, await coordinatorOf(c.env).patchConfig(input));
  })
  .get("/audit", validate("query", AuditQuery), async (c) => {
    const entries = await coordinatorOf(c.env).configAudit(c.req.valid("query").limit);
    return c.json({ entries });
  })
  .get("/schema", (c) => c.json(configJsonSchema()));

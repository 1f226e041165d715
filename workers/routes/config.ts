/**
 * Config routes. The Coordinator validates and versions every change and pushes the new version to
 * the agents; a rejected change answers 422 with every bad field and leaves the config unchanged.
 * After a change the route mirrors its audit entry into D1 (best-effort; the daily rollup mirrors
 * again, idempotently, so a failed write here is repaired).
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { configJsonSchema, parseWholeConfig } from "../../shared/config/config";
import { type BotConfig as BotConfigValue, BotConfigSchema } from "../../shared/config/schema";
import type { ConfigChange } from "../../shared/coordination/rpc-contracts";
import { coordinatorOf } from "../../durable-objects/agent-rpc";
import type { AppEnv } from "../env";
import { errorBody } from "../errors";
import { ledgerDb } from "../../durable-objects/ledger";
import { mirrorConfigAudit } from "../rollup";
import { errorResponses, jsonResponse } from "../schemas/error-schema";
import { list } from "../schemas/list";
import { reportBackgroundError } from "../background-errors";
import { apiRoutes, jsonInput } from "../validation";

/** Query of `GET /api/config/audit`. */
export const AuditQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(50).openapi({ description: "entries" }),
});

/** The bot config (its own schema, shared/config/schema.ts): every field optional on input, defaults filled on output. */
const BotConfig = BotConfigSchema.openapi("BotConfig");

const ETAG = { ETag: { description: "the config version, quoted", schema: { type: "string" as const } } };

/** `If-Match` of PUT and PATCH. */
const IfMatch = z.object({
  "if-match": z.string().optional().openapi({
    description:
      'the config version the change is based on (`ETag` of GET /api/config, e.g. `"v-…"`); `*` or absent: any',
  }),
});

/** The answer of an accepted change. */
const ChangeSchema = z.strictObject({
  version: z.string(),
  previousVersion: z.string(),
  at: z.number(),
  config: BotConfig,
});

const configBody = {
  required: true,
  content: { "application/json": { schema: { $ref: "#/components/schemas/BotConfig" } } },
  description: "validated by the Coordinator, which answers 422 naming every bad field",
};

const getConfig = createRoute({
  method: "get",
  path: "/",
  summary:
    "The current config and its version; `error` says why a stored config does not load (then `config` is as stored)",
  security: [{ bearer: [] }],
  responses: {
    200: {
      description: "The config",
      headers: ETAG,
      content: {
        "application/json": {
          schema: z.union([
            z.strictObject({ version: z.string(), config: BotConfig, error: z.null() }),
            z.strictObject({ version: z.string(), config: z.unknown(), error: z.string() }),
          ]),
        },
      },
    },
    ...errorResponses(),
  },
});

const putConfig = createRoute({
  method: "put",
  path: "/",
  summary:
    'Replace the whole config (every field required: a missing one is a 422, never a default); answers the new version. `If-Match: "<version>"` makes it conditional (412 if stale)',
  security: [{ bearer: [] }],
  request: { headers: IfMatch, body: configBody },
  responses: {
    200: { ...jsonResponse("The new version", ChangeSchema), headers: ETAG },
    ...errorResponses(400, 412, 413, 422),
  },
});

const patchConfig = createRoute({
  method: "patch",
  path: "/",
  summary:
    'Deep-merge a partial config (arrays replaced whole); answers the new version. `If-Match: "<version>"` makes it conditional (412 if stale)',
  security: [{ bearer: [] }],
  request: { headers: IfMatch, body: configBody },
  responses: {
    200: { ...jsonResponse("The new version", ChangeSchema), headers: ETAG },
    ...errorResponses(400, 412, 413, 422),
  },
});

const getAudit = createRoute({
  method: "get",
  path: "/audit",
  summary: "Config changes, newest first: when, what, previous version",
  security: [{ bearer: [] }],
  request: { query: AuditQuery },
  responses: {
    200: jsonResponse(
      "The audit entries",
      z.strictObject({
        entries: list(
          z.strictObject({
            at: z.number(),
            version: z.string(),
            previousVersion: z.string(),
            change: z
              .record(z.string(), z.unknown())
              .openapi({ description: "what was sent: the config (PUT) or the patch" }),
            kind: z.enum(["put", "patch"]),
          }),
        ),
      }),
    ),
    ...errorResponses(400),
  },
});

const getSchema = createRoute({
  method: "get",
  path: "/schema",
  summary: "The config's JSON Schema (what a PUT or PATCH may send)",
  security: [{ bearer: [] }],
  responses: {
    200: jsonResponse("A JSON Schema (draft 2020-12)", z.record(z.string(), z.unknown())),
    ...errorResponses(),
  },
});

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
    await reportBackgroundError(c.env, "config audit mirror", err, { version: change.version });
  }
  c.header("ETag", `"${change.version}"`);
  return c.json(
    {
      version: change.version,
      previousVersion: change.previousVersion,
      at: change.at,
      // The Coordinator answers the config it validated; RPC widens its type to `unknown`.
      config: change.config as BotConfigValue,
    },
    200,
  );
}

/** Config routes (mounted at `/api/config`). */
export const configRoutes = apiRoutes()
  .openapi(getConfig, async (c) => {
    // `error` is null unless the stored config no longer loads; `config` is then the stored one as it is.
    const state = await coordinatorOf(c.env).configState();
    c.header("ETag", `"${state.version}"`);
    return c.json(state as z.output<(typeof getConfig.responses)[200]["content"]["application/json"]["schema"]>, 200);
  })
  .openapi(putConfig, async (c) => {
    const body = await jsonInput(c);
    if (!body.ok) return body.res;
    const input = body.value;
    // A replacement names every field: an empty or partial body must not reset settings to defaults.
    const whole = parseWholeConfig(input);
    if (!whole.ok) return answer(c, "put", input, whole);
    const expected = ifMatchVersion(c.req.header("If-Match"));
    return answer(c, "put", input, await coordinatorOf(c.env).putConfig(input, expected));
  })
  .openapi(patchConfig, async (c) => {
    const body = await jsonInput(c);
    if (!body.ok) return body.res;
    const input = body.value;
    const expected = ifMatchVersion(c.req.header("If-Match"));
    return answer(c, "patch", input, await coordinatorOf(c.env).patchConfig(input, expected));
  })
  .openapi(getAudit, async (c) => {
    const entries = await coordinatorOf(c.env).configAudit(c.req.valid("query").limit);
    return c.json({ entries: entries.map((e) => ({ ...e, change: e.change as Record<string, unknown> })) }, 200);
  })
  .openapi(getSchema, (c) => c.json(configJsonSchema(), 200));

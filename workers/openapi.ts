/**
 * The API's OpenAPI 3.1 document, written by hand from the routes (a test checks that every route
 * of the app is listed). The config body schema is the bot config's own JSON Schema.
 * @module
 */
import { version } from "../package.json";
import { configJsonSchema } from "../shared/config/config";

type Json = Record<string, unknown>;

const ERROR = { $ref: "#/components/schemas/Error" };
const TIME = {
  type: "string",
  description: "epoch milliseconds or an ISO 8601 date/date-time (UTC); a date-only `to` means the end of that day",
};
const SYMBOL = { type: "string", pattern: "^[A-Z0-9]{2,20}USDT$", example: "BTCUSDT" };

function query(name: string, schema: Json, description: string): Json {
  return { name, in: "query", required: false, schema, description };
}

const IF_MATCH = {
  name: "If-Match",
  in: "header",
  required: false,
  schema: { type: "string" },
  description: "the config version the change is based on (`ETag` of GET /api/config); `*` or absent: any",
};

const SYMBOL_PATH = { name: "symbol", in: "path", required: true, schema: SYMBOL };

function op(summary: string, extra: Json = {}, codes: number[] = []): Json {
  const responses: Json = {
    "200": { description: "OK", content: { "application/json": { schema: { type: "object" } } } },
  };
  for (const code of [401, 503, ...codes])
    responses[String(code)] = {
      description: ERROR_TEXT[code] ?? "Error",
      content: { "application/json": { schema: ERROR } },
    };
  return { summary, security: [{ bearer: [] }], responses, ...extra };
}

const ERROR_TEXT: Record<number, string> = {
  400: "Invalid input: the message and details name every bad field; malformed JSON; JSON nested deeper than 16",
  412: "`If-Match` names a version that is no longer current (`stale_version`; details.currentVersion); nothing changed",
  413: "The body exceeds 64 KiB (`payload_too_large`)",
  401: "Missing or wrong bearer token",
  404: "Unknown symbol",
  422: "Rejected config: details lists every bad field `{ path, message }`; the config is unchanged",
  502: "The agent's RPC failed (`agent_error`)",
  503: "API_TOKEN is not set (`not_configured`), or an agent did not answer in time (`agent_timeout`)",
};

const CONFIG_BODY = {
  required: true,
  content: { "application/json": { schema: { $ref: "#/components/schemas/BotConfig" } } },
};

/** The OpenAPI document of the API. */
export function openApiDocument(): Json {
  return {
    openapi: "3.1.0",
    info: {
      title: "edge-scalper API",
      version,
      description:
        "Bearer token (`API_TOKEN`) on everything but /health. Errors: `{ error: { code, message, details? } }`.",
    },
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      schemas: {
        Error: {
          type: "object",
          required: ["error"],
          properties: {
            error: {
              type: "object",
              required: ["code", "message"],
              properties: { code: { type: "string" }, message: { type: "string" }, details: {} },
            },
          },
        },
        BotConfig: configJsonSchema(),
      },
    },
    paths: {
      "/health": {
        get: {
          summary: "Liveness and version (no auth); 503 `degraded` when the Coordinator does not load or answer",
          responses: { "200": { description: "OK" }, "503": { description: "Degraded: `coordinator` says why" } },
        },
      },
      "/api/stats": {
        get: op(
          "Daily aggregates and totals of one mode's closed trades (paper, demo and live ledgers apart) with each metric's formula (basis: closed trades; equity marked at each exit)",
          {
            parameters: [
              query("from", TIME, "window start, inclusive (default: 30 days before to)"),
              query("to", TIME, "window end, inclusive (default: now)"),
              query(
                "mode",
                { type: "string", enum: ["paper", "demo", "live"] },
                "whose ledger: only this mode's trades count, capital included (default: the current config's mode; the answer's `mode` says which)",
              ),
            ],
          },
          [400, 422],
        ),
      },
      "/api/trades": {
        get: op(
          "Closed trades, newest exit first, cursor-paginated over (exit_time, id)",
          {
            parameters: [
              query("symbol", SYMBOL, "only this symbol"),
              query("from", TIME, "exit time from, inclusive"),
              query("to", TIME, "exit time to, inclusive"),
              query("limit", { type: "integer", minimum: 1, maximum: 500, default: 100 }, "page size"),
              query("cursor", { type: "string" }, "`nextCursor` of the previous page"),
            ],
          },
          [400],
        ),
      },
      "/api/symbols": { get: op("Every symbol with its enabled flag and its agent's status (errors per symbol)") },
      "/api/symbols/{symbol}": {
        get: op(
          "One agent's status: feed health, latest features, scores, gates, position",
          { parameters: [SYMBOL_PATH] },
          [400, 404, 502],
        ),
      },
      "/api/symbols/{symbol}/start": {
        post: op("Enable the symbol and start its agent", { parameters: [SYMBOL_PATH] }, [400, 502]),
      },
      "/api/symbols/{symbol}/stop": {
        post: op("Disable the symbol and stop its agent", { parameters: [SYMBOL_PATH] }, [400, 404, 502]),
      },
      "/api/config": {
        get: op("The current config and its version"),
        put: op(
          'Replace the whole config (every field required: a missing one is a 422, never a default); answers the new version. `If-Match: "<version>"` makes it conditional (412 if stale)',
          { requestBody: CONFIG_BODY, parameters: [IF_MATCH] },
          [400, 412, 413, 422],
        ),
        patch: op(
          'Deep-merge a partial config (arrays replaced whole); answers the new version. `If-Match: "<version>"` makes it conditional (412 if stale)',
          { requestBody: CONFIG_BODY, parameters: [IF_MATCH] },
          [400, 412, 413, 422],
        ),
      },
      "/api/config/audit": {
        get: op(
          "Config changes, newest first: when, what, previous version",
          { parameters: [query("limit", { type: "integer", minimum: 1, maximum: 1000, default: 50 }, "entries")] },
          [400],
        ),
      },
      "/api/config/schema": { get: op("The config's JSON Schema") },
      "/api/control/halt": {
        post: op(
          "Operator halt: no new entries",
          {
            requestBody: {
              required: false,
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    properties: { reason: { type: "string", maxLength: 200 } },
                    additionalProperties: false,
                  },
                },
              },
            },
          },
          [400],
        ),
      },
      "/api/control/resume": {
        post: op("Lift an operator halt and the kill switch (a daily-loss halt lasts until the next UTC day)"),
      },
      "/api/control/flatten": {
        post: op(
          "Kill switch: every symbol's agent exits at market, stopped ones too; in live or demo mode what the exchange still holds is closed there directly (reduce-only market). Answers once every symbol answered: the portfolio after, and `flatten`, one `{ symbol, outcome: flat | closed_at_exchange | still_open | unknown, agent, exchange }` per symbol. Entries refused until resume",
        ),
      },
      "/api/portfolio": { get: op("Equity, open positions, trading state, daily PnL") },
      "/api/equity": {
        get: op(
          "Closed-trade equity curve with each point's drawdown from the running peak (same window, basis and starting equity as /api/stats), thinned to at most maxPoints",
          {
            parameters: [
              query("from", TIME, "window start, inclusive (default: 30 days before to)"),
              query("to", TIME, "window end, inclusive (default: now)"),
              query(
                "mode",
                { type: "string", enum: ["paper", "demo", "live"] },
                "whose ledger, as for /api/stats (default: the current config's mode)",
              ),
              query(
                "maxPoints",
                { type: "integer", minimum: 10, maximum: 10000, default: 1000 },
                "most points returned; a longer curve keeps each run's lowest and highest equity",
              ),
            ],
          },
          [400, 422],
        ),
      },
      "/api/notifications": {
        get: op("Notification channels (configured or not, never their secrets) and the last deliveries"),
      },
      "/api/notifications/test": { post: op("Send a test message to every configured channel (202)") },
      "/api/openapi.json": { get: op("This document") },
    },
  };
}

/**
 * Request plumbing shared by the venue's V2 and v3 REST surfaces: reading the body, parsing query
 * and JSON parameters, reading typed fields, and the parameter refusals both dialects use
 * (`40019` missing, `40020` bad value).
 * @module
 */
import type { IncomingMessage } from "node:http";
import type { CoreResult } from "./core-errors";
import { type FillQuery, isFillCursor } from "./exchange-core";

/** Request parameters: the query of a GET, the JSON object body of a POST. */
export type Params = Record<string, unknown>;

const MAX_BODY_BYTES = 1 << 20;

/** A string parameter (a finite number is accepted as its decimal string); undefined when absent or empty. */
export function str(params: Params, name: string): string | undefined {
  const v = params[name];
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return typeof v === "string" && v !== "" ? v : undefined;
}

/** A numeric parameter; undefined when absent or not a number. */
export function num(params: Params, name: string): number | undefined {
  const s = str(params, name);
  if (s === undefined) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

/** `""` and null read as absent. */
export function nonEmpty(v: unknown): unknown {
  return v === "" || v === null ? undefined : v;
}

/** 40019: a required parameter is missing. */
export function paramEmpty(name: string): CoreResult<never> {
  return fail400("40019", `Parameter ${name} cannot be empty`);
}

/** An HTTP 400 refusal with Bitget's `code`/`msg`. */
export function fail400(code: string, msg: string): CoreResult<never> {
  return { ok: false, error: { http: 400, code, msg } };
}

/** Runs `run` with the `limit` parameter (default `dflt`, capped at `max`, `"max"` = max); 40020 for a bad one. */
export function withLimit(
  params: Params,
  dflt: number,
  max: number,
  run: (limit: number) => CoreResult<unknown>,
): CoreResult<unknown> {
  const raw = str(params, "limit");
  if (raw === undefined || raw === "max") return run(raw === "max" ? max : dflt);
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) return fail400("40020", `Parameter limit error: ${raw}`);
  return run(Math.min(n, max));
}

/**
 * The filters of a fills query (both dialects: symbol, orderId, startTime, endTime, limit) with its
 * paging cursor read from `cursorParam` (V2 `idLessThan`, v3 `cursor`); 40020 for a cursor the venue
 * never issued.
 */
export function fillQueryOf(params: Params, cursorParam: string, limit: number): CoreResult<FillQuery> {
  const before = str(params, cursorParam);
  if (before !== undefined && !isFillCursor(before))
    return fail400("40020", `Parameter ${cursorParam} error: ${before}`);
  return {
    ok: true,
    data: {
      symbol: str(params, "symbol"),
      orderId: str(params, "orderId"),
      startTime: num(params, "startTime"),
      endTime: num(params, "endTime"),
      before,
      limit,
    },
  };
}

/** A request header's first value, "" when absent. */
export function header(req: IncomingMessage, name: string): string {
  const v = req.headers[name];
  return Array.isArray(v) ? (v[0] ?? "") : (v ?? "");
}

/** Query parameters; the first of a repeated name wins. */
export function queryParams(raw: string): Params {
  const out: Params = {};
  for (const [k, v] of new URLSearchParams(raw)) if (!(k in out)) out[k] = v;
  return out;
}

/** A JSON object body (`{}` for an empty body); null when it is not a JSON object. */
export function bodyParams(body: string): Params | null {
  if (body.trim() === "") return {};
  try {
    const v = JSON.parse(body);
    return typeof v === "object" && v !== null && !Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}

/** The request body as text, or null when it exceeds 1 MiB. */
export async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

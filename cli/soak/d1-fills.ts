/**
 * The live `fills` rows of a stopped local stack's D1, read with `wrangler d1 execute --local` over its
 * `--persist-to` directory (the stack must be stopped: two processes on one state hit SQLITE_BUSY).
 * @module
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { OFFLINE_ENV } from "../stack";
import type { FillRecord } from "./counters";

const ROOT = resolve(import.meta.dirname, "../..");
const WRANGLER = resolve(ROOT, "node_modules/.bin/wrangler");
const QUERY = "SELECT client_oid, symbol, price, size, fee FROM fills WHERE mode = 'live'";

/** Every live fill row; throws with wrangler's output when the query fails. */
export async function readLiveFills(persistTo: string): Promise<FillRecord[]> {
  const out = await capture([
    "d1",
    "execute",
    "DB",
    "--local",
    "--persist-to",
    persistTo,
    "--json",
    "--command",
    QUERY,
  ]);
  const start = out.indexOf("[");
  let parsed: unknown;
  try {
    parsed = JSON.parse(out.slice(start));
  } catch {
    throw new Error(`wrangler d1 execute did not answer JSON:\n${out.slice(-2000)}`);
  }
  const rows = (parsed as { results?: Record<string, unknown>[] }[])[0]?.results ?? [];
  return rows.map((r) => ({
    clientOid: String(r.client_oid),
    symbol: String(r.symbol),
    price: Number(r.price),
    size: Number(r.size),
    fee: Number(r.fee),
  }));
}

function capture(args: string[]): Promise<string> {
  return new Promise((res, rej) => {
    const child = spawn(WRANGLER, args, { cwd: ROOT, env: OFFLINE_ENV, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (err += c.toString("utf8")));
    child.on("error", rej);
    child.on("exit", (code) =>
      code === 0
        ? res(out)
        : rej(new Error(`wrangler d1 execute failed (exit ${code}):\n${(err || out).slice(-2000)}`)),
    );
  });
}

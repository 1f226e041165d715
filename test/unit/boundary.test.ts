/**
 * Enforces the boundary rule of design.md §2: nothing under shared/ (tests included) imports a
 * platform module (`cloudflare:*`, Node built-ins), the web framework (`hono`, `@hono/*`), a DB
 * driver, or the Cloudflare tooling, so the core runs unchanged in workerd and in Node.
 * Imports are read from the TypeScript syntax tree, so comments and strings never count.
 */
import { readFileSync } from "node:fs";
import { isBuiltin } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { importsOf, typeScriptFiles } from "./import-graph";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SHARED = path.join(ROOT, "shared");

const DB_DRIVERS = [
  "drizzle-orm/d1",
  "drizzle-orm/durable-sqlite",
  "drizzle-orm/better-sqlite3",
  "drizzle-orm/bun-sqlite",
  "drizzle-orm/libsql",
  "drizzle-orm/sql-js",
  "better-sqlite3",
  "@libsql/client",
];
const TOOLING = ["wrangler", "miniflare", "ws"];

/** Why `specifier` may not be imported from shared/, or null if it may. */
function forbiddenReason(specifier: string): string | null {
  if (specifier.startsWith("cloudflare:")) return "Cloudflare runtime module";
  if (specifier.startsWith("node:") || isBuiltin(specifier)) return "Node built-in";
  if (specifier === "node" || specifier === "@types/node") return "Node types";
  if (isPackage(specifier, "hono") || specifier.startsWith("@hono/")) return "web framework";
  if (specifier.startsWith("@cloudflare/")) return "Cloudflare package";
  if (DB_DRIVERS.some((name) => isPackage(specifier, name))) return "database driver";
  if (TOOLING.some((name) => isPackage(specifier, name))) return "platform tooling";
  return null;
}

function isPackage(specifier: string, name: string): boolean {
  return specifier === name || specifier.startsWith(`${name}/`);
}

/** One line per forbidden import: `file:line imports "x" (reason)`. */
function violations(source: string, fileName: string): string[] {
  const found: string[] = [];
  for (const { specifier, line } of importsOf(source, fileName)) {
    const reason = forbiddenReason(specifier);
    if (reason) found.push(`${fileName}:${line} imports "${specifier}" (${reason})`);
  }
  return found;
}

describe("the shared/ boundary", () => {
  const files = typeScriptFiles(SHARED).map((full) => path.relative(ROOT, full).split(path.sep).join("/"));

  it("walks the shared sources and their tests", () => {
    expect(files).toContain("shared/db/schema.ts");
    expect(files.some((f) => f.endsWith(".test.ts"))).toBe(true);
  });

  it("keeps every TypeScript file under shared/ free of platform, framework and driver imports", () => {
    const found = files.flatMap((f) => violations(readFileSync(path.join(ROOT, f), "utf8"), f));
    expect(found).toEqual([]);
  });
});

describe("the import checker", () => {
  it("flags each forbidden import form, naming file, line and specifier", () => {
    const source = [
      '/// <reference types="node" />',
      'import { DurableObject } from "cloudflare:workers";',
      'import { readFileSync } from "node:fs";',
      'import path from "path";',
      'import type { Hono } from "hono";',
      'export { bearerAuth } from "hono/bearer-auth";',
      'import { zValidator } from "@hono/zod-validator";',
      'import { drizzle } from "drizzle-orm/d1";',
      'const { drizzle: d } = await import("drizzle-orm/durable-sqlite");',
      'const zlib = require("zlib");',
      'import crypto = require("crypto");',
      'type B = typeof import("better-sqlite3");',
      'import "drizzle-orm/better-sqlite3";',
      'import { unstable_dev } from "wrangler";',
      'import { Miniflare } from "miniflare";',
      'import { readFile } from "fs/promises";',
    ].join("\n");
    expect(violations(source, "shared/fake.ts")).toEqual([
      'shared/fake.ts:1 imports "node" (Node types)',
      'shared/fake.ts:2 imports "cloudflare:workers" (Cloudflare runtime module)',
      'shared/fake.ts:3 imports "node:fs" (Node built-in)',
      'shared/fake.ts:4 imports "path" (Node built-in)',
      'shared/fake.ts:5 imports "hono" (web framework)',
      'shared/fake.ts:6 imports "hono/bearer-auth" (web framework)',
      'shared/fake.ts:7 imports "@hono/zod-validator" (web framework)',
      'shared/fake.ts:8 imports "drizzle-orm/d1" (database driver)',
      'shared/fake.ts:9 imports "drizzle-orm/durable-sqlite" (database driver)',
      'shared/fake.ts:10 imports "zlib" (Node built-in)',
      'shared/fake.ts:11 imports "crypto" (Node built-in)',
      'shared/fake.ts:12 imports "better-sqlite3" (database driver)',
      'shared/fake.ts:13 imports "drizzle-orm/better-sqlite3" (database driver)',
      'shared/fake.ts:14 imports "wrangler" (platform tooling)',
      'shared/fake.ts:15 imports "miniflare" (platform tooling)',
      'shared/fake.ts:16 imports "fs/promises" (Node built-in)',
    ]);
  });

  it("lets pure imports through, and ignores look-alikes in comments and strings", () => {
    const source = [
      'import { sqliteTable } from "drizzle-orm/sqlite-core";',
      'import { eq } from "drizzle-orm";',
      'import { z } from "zod";',
      'import { describe, it } from "vitest";',
      'import type { Bar } from "../market/bar";',
      'import { honorific } from "./hono-like";',
      '// import fs from "node:fs";',
      "const note = 'import x from \"cloudflare:workers\"';",
      'const url = "wss://ws.bitget.com/v2/ws/public";',
    ].join("\n");
    expect(violations(source, "shared/pure.ts")).toEqual([]);
  });
});

/**
 * Builds the dashboard into `public/`, the Worker's static assets folder (wrangler.toml
 * `[assets]`): `main.ts` with its CSS and uPlot bundled by esbuild into `app.js` + `app.css`,
 * next to `index.html` and `_headers` (security headers). The output is committed so that
 * `wrangler dev` and `wrangler deploy` serve it with no build step; a test rebuilds it in memory
 * and fails when the committed files are stale. Run: `npx tsx dashboard/build.ts`.
 * @module
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { build } from "esbuild";

/** The dashboard's source folder. */
export const DASHBOARD_DIR = resolve(import.meta.dirname);

/** The assets folder wrangler serves. */
export const PUBLIC_DIR = resolve(import.meta.dirname, "..", "public");

/** Files copied unchanged from the source folder. */
export const STATIC_FILES = ["index.html", "favicon.svg", "_headers"] as const;

/** Builds every asset in memory: file name (relative to `public/`) → contents. */
export async function buildDashboard(): Promise<Map<string, string>> {
  const result = await build({
    entryPoints: [join(DASHBOARD_DIR, "main.ts")],
    bundle: true,
    format: "esm",
    target: ["es2022", "chrome110", "safari16", "firefox110"],
    minify: true,
    legalComments: "eof",
    charset: "utf8",
    outdir: PUBLIC_DIR,
    entryNames: "app",
    write: false,
    logLevel: "silent",
  });
  const out = new Map<string, string>();
  for (const f of result.outputFiles) out.set(f.path.slice(PUBLIC_DIR.length + 1), f.text);
  for (const name of STATIC_FILES) out.set(name, readFileSync(join(DASHBOARD_DIR, name), "utf8"));
  return out;
}

/** Builds the assets and writes those that differ from what `dir` holds; returns the file names written. */
export async function writeDashboard(dir = PUBLIC_DIR): Promise<string[]> {
  const files = await buildDashboard();
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, text] of files) {
    const path = join(dir, name);
    if (existsSync(path) && readFileSync(path, "utf8") === text) continue;
    writeFileSync(path, text);
    written.push(name);
  }
  return written;
}

if (process.argv[1]?.endsWith("build.ts")) {
  writeDashboard().then((names) =>
    console.log(
      names.length === 0
        ? "dashboard: public/ is up to date"
        : `dashboard: wrote ${names.map((n) => `public/${n}`).join(", ")}`,
    ),
  );
}

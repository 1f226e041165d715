/**
 * `tsx cli/check-token.ts`: refuses (exit 1) a weak API token in `.dev.vars` before `wrangler dev`
 * (`npm run dev`), writing a random token into it when it has none. A deploy's token is checked by
 * the deploy itself (cli/deploy.ts; `npm run deploy:check` runs its checks alone).
 * @module
 */
import { ensureDevVars } from "./api-token";

function main(): number {
  const r = ensureDevVars();
  if (!r.ok) {
    console.error(`refused: ${r.reason}`);
    return 1;
  }
  if (r.created) console.log("check-token: wrote a random API_TOKEN to .dev.vars");
  return 0;
}

process.exitCode = main();

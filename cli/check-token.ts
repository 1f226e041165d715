/**
 * `tsx cli/check-token.ts [--deploy]`: refuses (exit 1) a weak API token before `wrangler dev`
 * (`npm run dev`) or a deploy (`npm run deploy:check`).
 *
 * - dev: checks `.dev.vars`, writing a random token into it when it has none.
 * - deploy: checks the `API_TOKEN` environment variable, the value about to be stored with
 *   `wrangler secret put API_TOKEN`; without one it prints a fresh random token to use.
 * @module
 */
import { ensureDevVars, newToken, tokenProblem } from "./api-token";

function main(argv: readonly string[]): number {
  if (!argv.includes("--deploy")) {
    const r = ensureDevVars();
    if (!r.ok) {
      console.error(`refused: ${r.reason}`);
      return 1;
    }
    if (r.created) console.log("check-token: wrote a random API_TOKEN to .dev.vars");
    return 0;
  }
  const token = process.env.API_TOKEN;
  if (token === undefined || token === "") {
    console.error(
      `refused: set API_TOKEN to the token you deploy (it is stored with \`wrangler secret put API_TOKEN\`). A random one: ${newToken()}`,
    );
    return 1;
  }
  const problem = tokenProblem(token);
  if (problem !== null) {
    console.error(`refused: ${problem}`);
    return 1;
  }
  console.log("check-token: API_TOKEN is strong enough to deploy");
  return 0;
}

process.exitCode = main(process.argv.slice(2));

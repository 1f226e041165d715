import { describe, expect, it } from "vitest";
import {
  type DeployInputs,
  type DeployPorts,
  deployCommands,
  deployProblems,
  main,
  requiredSecrets,
  type ResolvedEnv,
} from "./deploy";
import { captureIo } from "./io";

const STRONG = "k".repeat(43);

/** A staging environment that may deploy; each test breaks one thing. */
function ready(over: Partial<DeployInputs> = {}): DeployInputs {
  return {
    env: "staging",
    vars: { MODE: "paper", FEED_URL: "wss://x", START_EQUITY: "1000" },
    d1: [{ binding: "DB", database_name: "edge-scalper-staging", database_id: "4b1c2d3e-0000-4000-8000-123456789abc" }],
    durableObjects: [{ name: "SYMBOL_AGENT" }, { name: "COORDINATOR" }, { name: "NOTIFIER" }],
    secretNames: ["API_TOKEN"],
    apiToken: undefined,
    exampleToken: "change-me",
    migrations: ["0000_init.sql", "0001_ledger_tables.sql"],
    notify: [],
    ...over,
  };
}

describe("deployProblems", () => {
  it("finds nothing wrong with a complete paper environment", () => {
    expect(deployProblems(ready())).toEqual([]);
  });

  it("refuses the all-zero placeholder database_id and says how to get a real one", () => {
    const p = deployProblems(
      ready({
        d1: [
          { binding: "DB", database_name: "edge-scalper-staging", database_id: "00000000-0000-0000-0000-000000000000" },
        ],
      }),
    );
    expect(p).toHaveLength(1);
    expect(p[0]).toContain("npx wrangler d1 create edge-scalper-staging");
  });

  it("refuses an environment without the D1 binding or a Durable Object binding (wrangler does not inherit them)", () => {
    const p = deployProblems(ready({ d1: [], durableObjects: [{ name: "SYMBOL_AGENT" }] }));
    expect(p.join("\n")).toMatch(/D1 binding DB is missing/);
    expect(p.join("\n")).toMatch(/COORDINATOR is missing/);
    expect(p.join("\n")).toMatch(/NOTIFIER is missing/);
    expect(p).toHaveLength(3);
  });

  it("refuses when there is no migration to apply", () => {
    expect(deployProblems(ready({ migrations: [] }))).toEqual([expect.stringContaining("no .sql migration")]);
  });

  it("names each missing secret with the command that sets it", () => {
    expect(deployProblems(ready({ secretNames: [] }))).toEqual([
      "secret API_TOKEN is not set for env staging: `npx wrangler secret put API_TOKEN --env staging`",
    ]);
  });

  it("needs the three Bitget keys only when the environment's MODE is live", () => {
    const p = deployProblems(ready({ vars: { MODE: "live" }, secretNames: ["API_TOKEN", "BITGET_API_KEY"] }));
    expect(p).toHaveLength(2);
    expect(p.join("\n")).toContain("BITGET_API_SECRET");
    expect(p.join("\n")).toContain("BITGET_PASSPHRASE");
    expect(deployProblems(ready({ vars: { MODE: "paper" } }))).toEqual([]);
  });

  it("needs a notification channel's secrets only when that channel is enabled", () => {
    const p = deployProblems(ready({ notify: ["webhook"], secretNames: ["API_TOKEN", "WEBHOOK_URL"] }));
    expect(p).toEqual([expect.stringContaining("secret WEBHOOK_SECRET is not set")]);
    expect(requiredSecrets("paper", ["telegram", "discord"])).toEqual([
      "API_TOKEN",
      "TELEGRAM_BOT_TOKEN",
      "TELEGRAM_CHAT_ID",
      "DISCORD_WEBHOOK_URL",
    ]);
  });

  it("refuses a handed-in API token that is short or the example's placeholder, by the shared rule", () => {
    expect(deployProblems(ready({ apiToken: "short" })).join("\n")).toMatch(/5 characters; at least 32/);
    expect(deployProblems(ready({ apiToken: "change-me" })).join("\n")).toMatch(/placeholder/);
    expect(deployProblems(ready({ apiToken: "x".repeat(32) }))).toEqual([]);
  });

  it("counts a strong handed-in token as the API_TOKEN secret it is about to store", () => {
    expect(deployProblems(ready({ secretNames: [], apiToken: STRONG }))).toEqual([]);
  });

  it("does not refuse unlisted secrets in a dry run, but still every config problem", () => {
    expect(deployProblems(ready({ secretNames: null, vars: { MODE: "live" } }))).toEqual([]);
    expect(deployProblems(ready({ secretNames: null, vars: { MODE: "real" } }))).toEqual([
      expect.stringContaining('MODE is "real"'),
    ]);
  });

  it("lists every problem at once rather than the first", () => {
    const p = deployProblems(
      ready({ d1: [{ binding: "DB" }], migrations: [], secretNames: [], apiToken: "change-me" }),
    );
    expect(p).toHaveLength(3); // the token handed in counts as set, but is refused as weak
  });
});

describe("deployCommands", () => {
  it("applies the migrations remotely before deploying the chosen environment", () => {
    expect(deployCommands("production", false)).toEqual([
      ["d1", "migrations", "apply", "DB", "--remote", "--env", "production"],
      ["deploy", "--env", "production"],
    ]);
  });

  it("only bundles in a dry run", () => {
    expect(deployCommands("staging", true)).toEqual([["deploy", "--dry-run", "--env", "staging", "--outdir", "dist"]]);
  });
});

/** wrangler.toml's staging environment, resolved, with a real database id. */
const STAGING: ResolvedEnv = {
  name: "edge-scalper-staging",
  vars: { MODE: "paper" },
  d1_databases: [
    { binding: "DB", database_name: "edge-scalper-staging", database_id: "4b1c2d3e-0000-4000-8000-123456789abc" },
  ],
  durable_objects: { bindings: [{ name: "SYMBOL_AGENT" }, { name: "COORDINATOR" }, { name: "NOTIFIER" }] },
};

/** The CLI over a fake wrangler: the commands it ran, its output and its exit code. */
async function deploy(argv: string[], over: { config?: ResolvedEnv; secrets?: string[]; apiToken?: string } = {}) {
  const c = captureIo();
  const ran: string[] = [];
  const ports: DeployPorts = {
    readConfig: async () => over.config ?? STAGING,
    listSecrets: () => ({ ok: true, names: over.secrets ?? ["API_TOKEN"] }),
    wrangler: (args) => (ran.push(args.join(" ")), 0),
    apiToken: over.apiToken,
    io: c.io,
  };
  const code = await main(["--env", "staging", ...argv], ports);
  return { code, ran, out: c.out.join("\n"), err: c.err.join("\n") };
}

describe("npm run deploy and npm run deploy:check (--check)", () => {
  it("deploy:check runs the deploy's checks and stops: nothing stored, migrated or deployed", async () => {
    const r = await deploy(["--check"], { apiToken: STRONG });
    expect(r.code).toBe(0);
    expect(r.ran).toEqual([]);
    expect(r.out).toContain("check passed");
  });

  it("deploy runs the same checks first, then stores the token, migrates and deploys", async () => {
    const r = await deploy([], { apiToken: STRONG });
    expect(r.code).toBe(0);
    expect(r.ran).toEqual([
      "secret put API_TOKEN --env staging",
      "d1 migrations apply DB --remote --env staging",
      "deploy --env staging",
    ]);
  });

  it("both refuse with the same problems (a weak token, a placeholder database id) and run nothing", async () => {
    const config = {
      ...STAGING,
      d1_databases: [{ binding: "DB", database_id: "00000000-0000-0000-0000-000000000000" }],
    };
    const checked = await deploy(["--check"], { config, apiToken: "change-me" });
    const deployed = await deploy([], { config, apiToken: "change-me" });
    for (const r of [checked, deployed]) {
      expect(r.code).toBe(2);
      expect(r.ran).toEqual([]);
      expect(r.err).toMatch(/placeholder from \.dev\.vars\.example/);
      expect(r.err).toMatch(/no real database_id/);
    }
    expect(checked.err).toBe(deployed.err);
  });

  it("refuses when no API_TOKEN is stored or handed in, and offers a random one", async () => {
    const r = await deploy(["--check"], { secrets: [] });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/secret API_TOKEN is not set for env staging/);
    expect(r.err).toMatch(/a random API_TOKEN to store: \S{43}$/);
  });
});

import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

/** The receivers' URLs and channel secrets as bindings (`TEST_NOTIFY_BASE` = the receivers' inspection base). */
function notifyBindings(json: string): Record<string, string> {
  const { base, ...secrets } = JSON.parse(json) as Record<string, string>;
  return { TEST_NOTIFY_BASE: base, ...secrets };
}

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  return {
    test: {
      reporters: ["default", "json"],
      outputFile: { json: ".vitest-results.json" },
      projects: [
        {
          test: {
            name: "unit",
            // Generous: CPU-heavy tests (replays, property tests) must not fail on a busy 2-core machine.
            testTimeout: 60_000,
            environment: "node",
            include: [
              "shared/**/*.test.ts",
              "cli/**/*.test.ts",
              "test/reference/**/*.test.ts",
              "test/unit/**/*.test.ts",
              "test/integration/**/*.test.ts",
              "test/e2e/**/*.test.ts",
              "test/parity/**/*.test.ts",
              "dashboard/**/*.test.ts",
            ],
          },
        },
        {
          plugins: [
            cloudflareTest(({ inject }) => ({
              main: "./workers/index.ts",
              wrangler: { configPath: "./wrangler.toml" },
              miniflare: {
                bindings: {
                  TEST_MIGRATIONS: migrations,
                  API_TOKEN: "test-token",
                  // The deployment's half of the live gate; the config's mode stays paper unless a test sets it.
                  MODE: "live",
                  START_EQUITY: "1000",
                  FEED_URL: inject("feedUrl"),
                  REST_URL: inject("venueRestUrl"),
                  PRIVATE_FEED_URL: inject("venuePrivateUrl"),
                  PRIVATE_FEED_URL_V3: inject("venuePrivateUrlV3"),
                  TEST_VENUE_CREDENTIALS: inject("venueCredentials"),
                  TEST_VENUE_UTA_CREDENTIALS: inject("venueUtaCredentials"),
                  TEST_VENUE_KILL_SWITCH_CREDENTIALS: inject("venueKillSwitchCredentials"),
                  TEST_VENUE_WATCHDOG_CREDENTIALS: inject("venueWatchdogCredentials"),
                  TEST_VENUE_EVIDENCE_CREDENTIALS: inject("venueEvidenceCredentials"),
                  TEST_VENUE_DEMO_CREDENTIALS: inject("venueDemoCredentials"),
                  // Notification channels pointed at the loopback receivers of global-setup.ts.
                  ...notifyBindings(inject("notify")),
                },
              },
            })),
          ],
          test: {
            name: "workers",
            testTimeout: 60_000,
            include: ["test/workers/**/*.test.ts"],
            setupFiles: ["./test/workers/apply-migrations.ts"],
            globalSetup: ["./test/workers/global-setup.ts"],
          },
        },
      ],
    },
  };
});

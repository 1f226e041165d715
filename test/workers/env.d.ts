/** Test-only bindings, provided by vitest.config.ts to the `workers` project. */
declare namespace Cloudflare {
  interface Env {
    /** D1 migrations read from migrations/ by `readD1Migrations`, applied in apply-migrations.ts. */
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    /** Base URL of the loopback notification receivers (`GET /_received`, `POST /_mode`). */
    TEST_NOTIFY_BASE: string;
    /** JSON credentials of the venue's Classic key (V2 API). */
    TEST_VENUE_CREDENTIALS: string;
    /** JSON credentials of the venue's UTA key (v3 API). */
    TEST_VENUE_UTA_CREDENTIALS: string;
    /** JSON credentials of the venue's third key (Classic), used only by the kill-switch test. */
    TEST_VENUE_KILL_SWITCH_CREDENTIALS: string;
    /** JSON credentials of the venue's fourth key (Classic), used only by the watchdog auto-flatten test. */
    TEST_VENUE_WATCHDOG_CREDENTIALS: string;
    /** JSON credentials of the venue's fifth key (Classic), used only by live-defects.test.ts. */
    TEST_VENUE_EVIDENCE_CREDENTIALS: string;
    /** JSON credentials of the venue's sixth key (UTA), used only by symbol-agent-demo.test.ts in demo mode. */
    TEST_VENUE_DEMO_CREDENTIALS: string;
  }
}

/**
 * Setup file of the `workers` project: applies the D1 migrations before each test file
 * (storage is isolated per file; applying is idempotent).
 * @module
 */
import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);

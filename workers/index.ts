/**
 * Worker entry point (`main` in wrangler.toml): HTTP via the Hono app, cron via `scheduled`, and the
 * Durable Object classes the runtime instantiates by their exported names.
 * @module
 */
import { app } from "./app";
import { scheduled } from "./cron";
import type { Env } from "./env";

export { Coordinator } from "../durable-objects/coordinator";
export { Notifier } from "../durable-objects/notifier";
export { SymbolAgent } from "../durable-objects/symbol-agent";

export default { fetch: app.fetch, scheduled } satisfies ExportedHandler<Env>;

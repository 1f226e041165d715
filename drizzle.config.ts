/**
 * drizzle-kit config: generates SQL migrations for D1 from the schema. Generation needs no database
 * and no credentials; migrations are applied by wrangler (`npm run db:migrate:local`, or
 * `wrangler d1 migrations apply DB --remote`), never by drizzle-kit push/migrate.
 * @module
 */
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: "./shared/db/schema.ts",
  out: "./migrations",
});

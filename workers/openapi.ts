/**
 * The API's OpenAPI 3.1 document, generated from the routes' own zod schemas (`@hono/zod-openapi`):
 * the schemas that validate each request and describe each response are the ones listed here, so
 * the document cannot drift from the code. Served at `/api/openapi.json` with an interactive
 * reference (Scalar) at `/api/docs`; both are public on purpose (see README "API").
 * @module
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { version } from "../package.json";
import type { AppEnv } from "./env";
import { jsonResponse } from "./schemas/error-schema";

const DESCRIPTION = [
  "Bearer token (`API_TOKEN`) on everything under /api but this document and its reference, which are public:",
  "they describe the API's shape and hold no data. Errors: `{ error: { code, message, details? } }`.",
  "Bodies: at most 64 KiB and 16 levels of nesting. No answer is cached (`Cache-Control: no-store`).",
].join(" ");

/** The document of every route registered on `app` (paths, parameters, bodies, every response). */
export function openApiDocument(app: OpenAPIHono<AppEnv>) {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer" });
  return app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: { title: "edge-scalper API", version, description: DESCRIPTION },
  });
}

/** `GET /api/openapi.json` (public). */
export const documentRoute = createRoute({
  method: "get",
  path: "/api/openapi.json",
  summary: "This document (public)",
  security: [],
  responses: { 200: jsonResponse("The OpenAPI 3.1 document", z.record(z.string(), z.unknown())) },
});

/** `GET /api/docs` (public): the interactive reference, an HTML page that reads `/api/openapi.json`. */
export const referenceRoute = createRoute({
  method: "get",
  path: "/api/docs",
  summary: "Interactive API reference (Scalar; public; the page loads its script from the jsDelivr CDN)",
  security: [],
  responses: { 200: { description: "HTML", content: { "text/html": { schema: z.string() } } } },
});

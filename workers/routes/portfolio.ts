/**
 * `GET /api/portfolio`: equity, open positions, trading state and daily PnL from the Coordinator.
 * @module
 */
import { createRoute } from "@hono/zod-openapi";
import { coordinatorOf } from "../../durable-objects/agent-rpc";
import { errorResponses, jsonResponse } from "../schemas/error-schema";
import { PortfolioSchema } from "../schemas/portfolio-schema";
import { apiRoutes } from "../validation";

const getPortfolio = createRoute({
  method: "get",
  path: "/",
  summary:
    "Equity, open positions, trading state, daily PnL (halted, with configError, when the stored config does not load)",
  security: [{ bearer: [] }],
  responses: { 200: jsonResponse("The portfolio now", PortfolioSchema), ...errorResponses() },
});

/** Portfolio routes (mounted at `/api/portfolio`). */
export const portfolioRoutes = apiRoutes().openapi(getPortfolio, async (c) =>
  c.json(await coordinatorOf(c.env).portfolio(), 200),
);

import { z } from "@hono/zod-openapi";

/**
 * A JSON array of `item` typed `readonly T[]`: the domain's answers are readonly arrays, and a
 * route's handler must return what its response schema describes.
 */
export function list<T extends z.ZodType>(item: T) {
  return z.array(item).readonly();
}

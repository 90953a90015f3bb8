import { z } from "@hono/zod-openapi";
import { InvalidCursorError } from "../store/cursor.js";
import { decimalInteger } from "./integers.js";
import { problems } from "./problem.js";

/** `?limit=&cursor=` of every list route. */
export const PageQuerySchema = z.object({
  limit: decimalInteger({ min: 1, max: 100 })
    .default(20)
    .openapi({ param: { name: "limit", in: "query" }, example: 20 }),
  cursor: z
    .string()
    .max(2048)
    .regex(/^[A-Za-z0-9_-]*$/, "a cursor this API issued (base64url)")
    .optional()
    .openapi({
      param: { name: "cursor", in: "query" },
      description:
        "`nextCursor` of the previous page of the same list. Opaque (base64url): a cursor of another list, or one this API did not issue, answers 400 `bad-request`.",
    }),
});

/** `{ items, nextCursor? }` around an item schema. */
export function pageSchema<T extends z.ZodType>(item: T, name: string) {
  return z
    .object({
      items: z.array(item),
      nextCursor: z.string().optional().openapi({ description: "Present when there may be more items." }),
    })
    .openapi(name);
}

/** Runs a repository list call, turning a cursor from elsewhere into a 400 problem. */
export async function readPage<T>(list: () => Promise<T>): Promise<T> {
  try {
    return await list();
  } catch (err) {
    if (err instanceof InvalidCursorError) {
      throw problems.badRequest("The cursor is not valid for this list; start again without one.");
    }
    throw err;
  }
}

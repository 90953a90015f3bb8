/** The cold-start baseline: a bare Hono app on Lambda answering /healthz, bundled like the real one. */
import { Hono } from "hono";
import { handle } from "hono/aws-lambda";

const app = new Hono().get("/healthz", (c) => c.json({ status: "ok", version: "0.1.0" }));
export const handler = handle(app);

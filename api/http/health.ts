import { API_VERSION } from "../version.js";

/** The `/healthz` answer. The app serves it without loading a route group (no zod, no store). */
export const healthStatus = () => ({ status: "ok" as const, version: API_VERSION });

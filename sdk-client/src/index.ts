/**
 * @switchyard/client: the Switchyard API from TypeScript.
 *
 *   const sy = createClient({ baseUrl: "http://127.0.0.1:3000", apiKey: process.env.SWITCHYARD_KEY });
 *   const health = await sy.health.get();
 *
 * Operations are generated from openapi/openapi.json (`sdk-client/src/gen`, never edited by hand)
 * and nest by operationId: `projects.create` is `sy.projects.create({ body })`. They resolve to
 * the response body and reject with a SwitchyardError carrying the problem+json.
 */

import { type DeploymentStreamItem, streamDeploymentEvents } from "./deployment-events.js";
import { toSwitchyardError } from "./errors.js";
import { type Client, createConfig, createClient as createFetchClient } from "./gen/client/index.js";
import { SwitchyardApi } from "./gen/sdk.gen.js";
import type { DeploymentWithEvents } from "./gen/types.gen.js";
import { pollDeployment, type WaitForDeploymentOptions } from "./wait.js";

export type { DeploymentStreamItem } from "./deployment-events.js";
export { SwitchyardError } from "./errors.js";
export { SwitchyardApi } from "./gen/sdk.gen.js";
export type * from "./gen/types.gen.js";
export {
  DeploymentWaitTimeoutError,
  TERMINAL_DEPLOYMENT_STATUSES,
  type WaitForDeploymentOptions,
} from "./wait.js";

export interface ClientOptions {
  /** Where the API listens, e.g. "https://switchyard.example.com" or "http://127.0.0.1:3000". */
  baseUrl: string;
  /** An API key (`sy_...`); sent as `Authorization: Bearer` on every authenticated operation. */
  apiKey?: string;
  /** A fetch to use instead of the global one (proxies, tracing, tests). */
  fetch?: typeof globalThis.fetch;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
}

export class SwitchyardClient extends SwitchyardApi {
  /** The underlying generated fetch client (interceptors, raw requests). */
  readonly http: Client;
  readonly #options: ClientOptions;

  constructor(http: Client, options: ClientOptions) {
    super({ client: http });
    this.http = http;
    this.#options = options;
  }

  /**
   * Streams a deployment's progress as server-sent events (`GET /v1/deployments/{id}/events`):
   * every stack event, then `end` with the final deployment, after which the iteration stops.
   * Pass the last stack event's id as `lastEventId` to resume after a dropped connection; leave
   * the loop early (or abort `signal`) to close the stream.
   */
  deploymentEvents(
    id: string,
    options: { signal?: AbortSignal; lastEventId?: string } = {},
  ): AsyncGenerator<DeploymentStreamItem> {
    return streamDeploymentEvents(this.#options, id, options);
  }

  /**
   * Polls `GET /v1/deployments/{id}` until the deployment is SUCCEEDED, FAILED or CANCELLED and
   * returns it with its stack events. `onProgress` sees every change (status, new events) on the way.
   */
  waitForDeployment(
    id: string,
    options: WaitForDeploymentOptions<DeploymentWithEvents> = {},
  ): Promise<DeploymentWithEvents> {
    return pollDeployment(id, () => this.deployments.get({ path: { id } }), options);
  }
}

export function createClient(options: ClientOptions): SwitchyardClient {
  const http = createFetchClient(
    createConfig({
      baseUrl: options.baseUrl.replace(/\/+$/, ""),
      throwOnError: true,
      responseStyle: "data",
      ...(options.apiKey !== undefined ? { auth: options.apiKey } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.headers ? { headers: options.headers } : {}),
    }),
  );
  // Error answers become SwitchyardError; network failures (no response) pass through unchanged.
  http.interceptors.error.use((error, response, request) =>
    response ? toSwitchyardError(error, response, request) : error,
  );
  return new SwitchyardClient(http, options);
}

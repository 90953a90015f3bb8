import type { AddressInfo } from "node:net";
import dynalite from "dynalite";
import { closeLevelIteratorsOnReturn } from "./level-iterators.js";

export interface EmbeddedDynamo {
  endpoint: string;
  close(): Promise<void>;
}

/**
 * A DynamoDB-compatible server in this process: persisted under `path` (LevelDB), or in memory
 * when `path` is undefined (tests). Listens on loopback only.
 */
export async function startDynalite(options: { path?: string; port?: number } = {}): Promise<EmbeddedDynamo> {
  closeLevelIteratorsOnReturn();
  const server = dynalite({
    ...(options.path ? { path: options.path } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections?.();
        server.close((err?: Error) => (err ? reject(err) : resolve()));
      }),
  };
}

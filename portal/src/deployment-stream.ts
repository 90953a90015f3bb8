import { type Deployment, type StackEvent, SwitchyardError } from "@switchyard/client";
import { useEffect, useState } from "react";
import { useClient } from "./session.js";

export interface DeploymentStream {
  events: StackEvent[];
  /** The deployment once it ended (SUCCEEDED, FAILED or CANCELLED). */
  final?: Deployment;
  error?: unknown;
}

/**
 * A deployment's progress, live, over server-sent events: every stack event as it happens, then the
 * final deployment. The server closes a stream after about 25 s; it is resumed from the last event.
 */
export function useDeploymentStream(id: string | undefined): DeploymentStream {
  const client = useClient();
  const [state, setState] = useState<DeploymentStream>({ events: [] });
  useEffect(() => {
    setState({ events: [] });
    if (!id) return;
    const abort = new AbortController();
    let lastEventId: string | undefined;
    void (async () => {
      let failures = 0;
      while (!abort.signal.aborted) {
        try {
          for await (const item of client.deploymentEvents(id, {
            signal: abort.signal,
            ...(lastEventId ? { lastEventId } : {}),
          })) {
            failures = 0;
            if (item.type === "stack-event") {
              lastEventId = item.event.id;
              setState((s) => ({ ...s, events: [...s.events, item.event] }));
            } else {
              setState((s) => ({ ...s, final: item.deployment }));
              return;
            }
          }
        } catch (err) {
          if (abort.signal.aborted) return;
          setState((s) => ({ ...s, error: err }));
          // An answer (404, 401) is final; a dropped connection is retried a few times.
          if (err instanceof SwitchyardError || ++failures > 5) return;
          await new Promise((r) => setTimeout(r, 1_000 * failures));
        }
      }
    })();
    return () => abort.abort();
  }, [client, id]);
  return state;
}

import type { Caller } from "@switchyard/client";
import { useQuery } from "@tanstack/react-query";
import { useClient } from "./session.js";

/** Who the signed-in key belongs to (GET /v1/whoami), shared by every page. */
export function useCaller() {
  const client = useClient();
  return useQuery<Caller>({ queryKey: ["whoami"], queryFn: () => client.whoami.get(), staleTime: 60_000 });
}

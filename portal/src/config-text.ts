import { useQuery } from "@tanstack/react-query";
import { useClient } from "./session.js";

/** A stored version's original text, as posted (`Accept: application/yaml`). */
export function useVersionText(project: string, version: number | undefined) {
  const client = useClient();
  return useQuery({
    queryKey: ["config-text", project, version],
    enabled: version !== undefined,
    staleTime: Number.POSITIVE_INFINITY, // versions never change
    queryFn: async () =>
      (await client.configs.get({
        path: { project, version: version! },
        headers: { accept: "application/yaml" },
        parseAs: "text",
      })) as unknown as string,
  });
}

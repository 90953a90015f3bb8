import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/** Counts the DynamoDB operations sent through a client, by name ("GetItem", "Query", ...). */
export interface DynamoCallCounter {
  counts: Map<string, number>;
  total(): number;
  reset(): void;
}

export function countDynamoCalls(doc: DynamoDBDocumentClient): DynamoCallCounter {
  const counts = new Map<string, number>();
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const op = String(context.commandName ?? "unknown").replace(/Command$/, "");
      counts.set(op, (counts.get(op) ?? 0) + 1);
      return next(args);
    },
    { step: "initialize", name: "countDynamoCalls" },
  );
  return {
    counts,
    total: () => [...counts.values()].reduce((a, b) => a + b, 0),
    reset: () => counts.clear(),
  };
}

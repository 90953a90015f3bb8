import { stringify } from "yaml";

/** A function subscribed to the bus `orders`: the pattern of its rule and any other trigger property. */
export interface BusSubscriber {
  name: string;
  pattern: Record<string, unknown>;
  trigger?: Record<string, unknown>;
}

/**
 * The config text the bus stories deploy (routing previews, failed deliveries; API, CLI, portal): a
 * bus `orders` with the given properties, plain queues, and functions (packaged from
 * src/<name>.ts) subscribed to it, in that order.
 */
export function busConfig(options: {
  bus?: Record<string, unknown>;
  queues?: string[];
  subscribers: BusSubscriber[];
}): string {
  const resources: Record<string, unknown> = {
    orders: options.bus ? { type: "event-bus", properties: options.bus } : { type: "event-bus" },
  };
  for (const queue of options.queues ?? []) resources[queue] = { type: "sqs-queue" };
  for (const { name, pattern, trigger } of options.subscribers)
    resources[name] = {
      type: "function",
      properties: {
        packaging: { type: "stacktape-lambda-buildpack", properties: { entryfilePath: `src/${name}.ts` } },
        events: [
          { type: "event-bus", properties: { eventBusName: "orders", eventPattern: pattern, ...trigger } },
        ],
      },
    };
  return stringify({ resources });
}

import { busConfig } from "./bus-configs.js";

/**
 * The config the failed-delivery stories deploy (API, CLI, portal): a bus `orders`, a queue
 * `failed`, and a function `consumer` subscribed to `shop.orders` events whose rule retries twice
 * (three attempts in all), then sends what it could not deliver to `failed`.
 */
export function deadLetterConfig(options: { archivation?: boolean } = {}): string {
  return busConfig({
    bus: options.archivation ? { archivation: { enabled: true } } : undefined,
    queues: ["failed"],
    subscribers: [
      {
        name: "consumer",
        pattern: { source: ["shop.orders"] },
        trigger: { onDeliveryFailure: { sqsQueueName: "failed" }, retryPolicy: { maximumRetryAttempts: 2 } },
      },
    ],
  });
}

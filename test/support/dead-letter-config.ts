/**
 * The config the failed-delivery stories deploy (API, CLI, portal): a bus `orders`, a queue
 * `failed`, and a function `consumer` subscribed to `shop.orders` events whose rule retries twice
 * (three attempts in all), then sends what it could not deliver to `failed`.
 */
export function deadLetterConfig(options: { archivation?: boolean } = {}): string {
  return `resources:
  orders:
    type: event-bus${options.archivation ? "\n    properties:\n      archivation:\n        enabled: true" : ""}
  failed:
    type: sqs-queue
  consumer:
    type: function
    properties:
      packaging:
        type: stacktape-lambda-buildpack
        properties:
          entryfilePath: src/consumer.ts
      events:
        - type: event-bus
          properties:
            eventBusName: orders
            eventPattern:
              source:
                - shop.orders
            onDeliveryFailure:
              sqsQueueName: failed
            retryPolicy:
              maximumRetryAttempts: 2
`;
}

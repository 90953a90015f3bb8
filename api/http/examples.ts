/**
 * Request examples route modules attach with `jsonBody(schema, description, examples)`, so /docs and
 * the generated client show real bodies. The seed config is Stacktape's event-bus example (an event
 * bus, a publishing function behind an HTTP API, a batch job subscribed with a pattern); a unit test
 * keeps it identical to test/fixtures/configs/seed.yaml and valid.
 */
import type { MediaExamples } from "./openapi.js";

export const SEED_CONFIG_YAML = `variables:
  eventName: "BUDGET_ANALYSIS"
resources:
  myEventBus:
    type: "event-bus"
  myPublisherFunction:
    type: "function"
    properties:
      packaging:
        type: stacktape-lambda-buildpack
        properties:
          entryfilePath: "lambdas/event-bus-publisher.ts"
      environment:
        - name: EVENT_NAME
          value: $Var().eventName
        - name: EVENT_BUS_NAME
          value: $Param('myEventBus', 'EventBus::Name')
      # granting access for function to publish events into myEventBus
      connectTo:
        - myEventBus
      events:
        - type: http-api-gateway
          properties:
            httpApiGatewayName: "myHttpApi"
            method: "GET"
            path: "/budget-analysis"
  myConsumerBatchJob:
    type: batch-job
    properties:
      container:
        packaging:
          type: stacktape-image-buildpack
          properties:
            entryfilePath: "batch-jobs/event-bus-consumer"
      resources:
        cpu: 1
        memory: 200
      # batch-job is triggered if myEventBus receives event that matches the specified eventPattern
      events:
        - type: event-bus
          properties:
            eventBusName: myEventBus
            eventPattern:
              detail:
                EventName:
                  - "$Var().eventName"
  myHttpApi:
    type: "http-api-gateway"
`;

/** For `POST /v1/projects/{project}/configs` and `POST /v1/validate` (`{ config }` bodies). */
export const seedConfigExamples: MediaExamples = {
  seed: {
    summary: "Stacktape's event-bus example",
    description:
      "A bus, a function that publishes BUDGET_ANALYSIS events to it, and a batch job subscribed to them.",
    value: { config: SEED_CONFIG_YAML },
  },
};

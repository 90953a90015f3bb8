/**
 * Documented Stacktape examples (test/stacktape/documented-examples.ts) that Switchyard refuses, by
 * example id: the problems it reports (path and part of the message) and why it refuses them.
 */
export interface Refusal {
  reason: string;
  problems: { path: string; message: string }[];
}

export const REFUSALS: Readonly<Record<string, Refusal>> = {
  "ai-docs/concept/directives.md#1": {
    reason: "not supported yet (#17)",
    problems: [
      { path: "resources.api.properties.customDomains", message: 'Unknown property "customDomains"' },
    ],
  },
  "ai-docs/concept/directives.md#6": {
    reason: "not supported yet (#17)",
    problems: [
      { path: "resources.api.properties.customDomains", message: 'Unknown property "customDomains"' },
    ],
  },
  "ai-docs/concept/stages-and-environments.md#9": {
    reason: "not supported yet (#17)",
    problems: [
      { path: "resources.api.properties.customDomains", message: 'Unknown property "customDomains"' },
    ],
  },
  "plain.d.ts: ContainerWorkload.overrides": {
    reason: "not supported yet (#17)",
    problems: [
      {
        path: "resources.main.overrides.MyDbInstance",
        message:
          'Cloudformation resource "MyDbInstance" is not a valid child resource of stacktape resource main',
      },
    ],
  },
  "plain.d.ts: BatchJob.overrides": {
    reason: "not supported yet (#17)",
    problems: [
      {
        path: "resources.main.overrides.MyDbInstance",
        message:
          'Cloudformation resource "MyDbInstance" is not a valid child resource of stacktape resource main',
      },
    ],
  },
  "plain.d.ts: ScheduleIntegrationProps.input": {
    reason: "not supported yet (#17)",
    problems: [
      { path: "resources.main.properties.events.0.type", message: "Unsupported event type on a function" },
    ],
  },
  "plain.d.ts: ScheduleIntegrationProps.inputPath": {
    reason: "not supported yet (#17)",
    problems: [
      { path: "resources.main.properties.events.0.type", message: "Unsupported event type on a function" },
    ],
  },
  "plain.d.ts: HttpApiGateway.overrides": {
    reason: "not supported yet (#17)",
    problems: [
      {
        path: "resources.main.overrides.MyDbInstance",
        message:
          'Cloudformation resource "MyDbInstance" is not a valid child resource of stacktape resource main',
      },
    ],
  },
  "plain.d.ts: EventBus.overrides": {
    reason: "not supported yet (#17)",
    problems: [
      {
        path: "resources.main.overrides.MyDbInstance",
        message:
          'Cloudformation resource "MyDbInstance" is not a valid child resource of stacktape resource main',
      },
    ],
  },
  "plain.d.ts: SqsQueue.overrides": {
    reason: "not supported yet (#17)",
    problems: [
      {
        path: "resources.main.overrides.MyDbInstance",
        message:
          'Cloudformation resource "MyDbInstance" is not a valid child resource of stacktape resource main',
      },
    ],
  },
  "plain.d.ts: SnsTopic.overrides": {
    reason: "not supported yet (#17)",
    problems: [{ path: "resources.main.type", message: 'Unknown resource type "sns-topic"' }],
  },
  "plain.d.ts: LambdaFunction.overrides": {
    reason: "not supported yet (#17)",
    problems: [
      {
        path: "resources.main.overrides.MyDbInstance",
        message:
          'Cloudformation resource "MyDbInstance" is not a valid child resource of stacktape resource main',
      },
    ],
  },
  "plain.d.ts: ScheduleIntegrationProps.EventInputTransformer": {
    reason: "not supported yet (#17)",
    problems: [
      { path: "resources.main.properties.events.0.type", message: "Unsupported event type on a function" },
    ],
  },
};

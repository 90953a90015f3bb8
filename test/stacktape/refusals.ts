/**
 * Documented Stacktape examples (test/stacktape/documented-examples.ts) that Switchyard refuses, by
 * example id: the problems it reports (path and part of the message) and why it refuses them.
 */
export interface Refusal {
  reason: string;
  problems: { path: string; message: string }[];
}

/**
 * The JSDoc of every type's `overrides` shows the shape with a child named `MyDbInstance`, which no
 * resource of these types has: Stacktape refuses it the same way, so it stays refused.
 */
const OVERRIDES_EXAMPLE =
  "illustrative: MyDbInstance is not a child of the resource (Stacktape refuses it too)";

/** Stacktape finds the certificate its `domain-add` made for the domain; Switchyard needs its ARN. */
const CUSTOM_DOMAIN_WITHOUT_CERTIFICATE =
  "a custom domain without customCertificateArn (Switchyard issues no certificates)";

export const REFUSALS: Readonly<Record<string, Refusal>> = {
  "ai-docs/concept/directives.md#1": {
    reason: CUSTOM_DOMAIN_WITHOUT_CERTIFICATE,
    problems: [
      {
        path: "resources.api.properties.customDomains.0",
        message: "A custom domain needs customCertificateArn here",
      },
    ],
  },
  "ai-docs/concept/directives.md#6": {
    reason: CUSTOM_DOMAIN_WITHOUT_CERTIFICATE,
    problems: [
      {
        path: "resources.api.properties.customDomains.0",
        message: "A custom domain needs customCertificateArn here",
      },
    ],
  },
  "ai-docs/concept/stages-and-environments.md#9": {
    reason: CUSTOM_DOMAIN_WITHOUT_CERTIFICATE,
    problems: [
      {
        path: "resources.api.properties.customDomains.0",
        message: "A custom domain needs customCertificateArn here",
      },
    ],
  },
  "plain.d.ts: ContainerWorkload.overrides": {
    reason: OVERRIDES_EXAMPLE,
    problems: [
      {
        path: "resources.main.overrides.MyDbInstance",
        message:
          'Cloudformation resource "MyDbInstance" is not a valid child resource of stacktape resource main',
      },
    ],
  },
  "plain.d.ts: BatchJob.overrides": {
    reason: OVERRIDES_EXAMPLE,
    problems: [
      {
        path: "resources.main.overrides.MyDbInstance",
        message:
          'Cloudformation resource "MyDbInstance" is not a valid child resource of stacktape resource main',
      },
    ],
  },

  "plain.d.ts: HttpApiGateway.overrides": {
    reason: OVERRIDES_EXAMPLE,
    problems: [
      {
        path: "resources.main.overrides.MyDbInstance",
        message:
          'Cloudformation resource "MyDbInstance" is not a valid child resource of stacktape resource main',
      },
    ],
  },
  "plain.d.ts: EventBus.overrides": {
    reason: OVERRIDES_EXAMPLE,
    problems: [
      {
        path: "resources.main.overrides.MyDbInstance",
        message:
          'Cloudformation resource "MyDbInstance" is not a valid child resource of stacktape resource main',
      },
    ],
  },
  "plain.d.ts: SqsQueue.overrides": {
    reason: OVERRIDES_EXAMPLE,
    problems: [
      {
        path: "resources.main.overrides.MyDbInstance",
        message:
          'Cloudformation resource "MyDbInstance" is not a valid child resource of stacktape resource main',
      },
    ],
  },
  "plain.d.ts: SnsTopic.overrides": {
    reason: OVERRIDES_EXAMPLE,
    problems: [
      {
        path: "resources.main.overrides.MyDbInstance",
        message:
          'Cloudformation resource "MyDbInstance" is not a valid child resource of stacktape resource main',
      },
    ],
  },
  "plain.d.ts: LambdaFunction.overrides": {
    reason: OVERRIDES_EXAMPLE,
    problems: [
      {
        path: "resources.main.overrides.MyDbInstance",
        message:
          'Cloudformation resource "MyDbInstance" is not a valid child resource of stacktape resource main',
      },
    ],
  },
};

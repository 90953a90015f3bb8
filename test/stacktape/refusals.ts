/**
 * Documented Stacktape examples (test/stacktape/documented-examples.ts) that Switchyard refuses, by
 * example id: the problems it reports (path and part of the message) and why it refuses them.
 */
export interface Refusal {
  reason: string;
  problems: { path: string; message: string }[];
}

/**
 * Valid by Stacktape's types and refused by Switchyard: each counts against the acceptance rate.
 * None today (see STACKTAPE_REFUSES for the examples Stacktape itself refuses).
 */
export const REFUSALS: Readonly<Record<string, Refusal>> = {};

/**
 * Why the `overrides` example is no valid config, with the evidence. The JSDoc of every type's
 * `overrides` shows the shape with a child named `MyDbInstance`, which no resource of these types
 * has (a function `main` has `MainLambda`, ...).
 *
 * - Stacktape's CLI refuses it when it compiles the template: `src/domain/template-manager/index.ts`
 *   of github.com/stacktape/stacktape, `#resolveOverrides`, checks every key of a resource's
 *   `overrides` with `calculatedStackOverviewManager.isCfResourceChildOfStpResource` and throws
 *   `stpErrors.e101` (`Cloudformation resource "<id>" is not a valid child resource of stacktape
 *   resource <name>. Valid child resources are: ...`) for one that is not a child.
 * - The npm package (node_modules/stacktape) carries only the config SDK and a launcher that
 *   downloads that CLI (`bin/stacktape.js`): its `transformOverridesToLogicalNames` (index.js) maps
 *   the property names of known children (`lambda`, ...) to logical IDs and passes every other key,
 *   `MyDbInstance` included, through unchanged, for the CLI to check as above.
 *
 * So, like an example Stacktape's types refuse, it does not count towards the acceptance rate; it
 * must still be refused, at the same place and in the same words.
 */
export const OVERRIDES_EXAMPLE_EVIDENCE =
  'Stacktape refuses it: "MyDbInstance" is no child of the resource (stacktape/stacktape src/domain/template-manager/index.ts #resolveOverrides → stpErrors.e101)';

const overridesExample: Refusal = {
  reason: OVERRIDES_EXAMPLE_EVIDENCE,
  problems: [
    {
      path: "resources.main.overrides.MyDbInstance",
      message:
        'Cloudformation resource "MyDbInstance" is not a valid child resource of stacktape resource main',
    },
  ],
};

/** Examples valid by Stacktape's types that Stacktape itself refuses when it runs: not in the rate. */
export const STACKTAPE_REFUSES: Readonly<Record<string, Refusal>> = {
  "plain.d.ts: ContainerWorkload.overrides": overridesExample,
  "plain.d.ts: BatchJob.overrides": overridesExample,
  "plain.d.ts: HttpApiGateway.overrides": overridesExample,
  "plain.d.ts: EventBus.overrides": overridesExample,
  "plain.d.ts: SqsQueue.overrides": overridesExample,
  "plain.d.ts: SnsTopic.overrides": overridesExample,
  "plain.d.ts: LambdaFunction.overrides": overridesExample,
};

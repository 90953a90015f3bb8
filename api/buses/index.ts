export { eventBridgeFailure, viaEventBridge } from "./errors.js";
export type * from "./port.js";
export { type DeployedStage, resolveBus, ruleArnOn } from "./resolve.js";
// testPattern (./test-pattern.js) is not re-exported: its route imports it on first use, so the
// pattern matcher stays out of the Lambda's cold start.
export * from "./use-cases.js";

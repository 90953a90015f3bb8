export { eventBridgeProblem, viaEventBridge } from "./errors.js";
export { LocalBusOps } from "./local.js";
export type * from "./port.js";
export { type DeployedStage, resolveBus, ruleArnOn } from "./resolve.js";
export { testPattern } from "./test-pattern.js";
export * from "./use-cases.js";

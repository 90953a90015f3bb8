export { DEFAULT_LOCAL_REGION, type EventBridgeApi, LOCAL_ACCOUNT_ID } from "./api.js";
export { busArn, ruleArn } from "./arns.js";
export { LocalEventBridge, type LocalEventBridgeOptions } from "./engine.js";
export { type EventBridgeErrorName, LocalEventBridgeError } from "./errors.js";
export type { DeliveryRecord, RuleRecord } from "./records.js";

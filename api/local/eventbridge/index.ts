export { busArn, ruleArn } from "../../eventbridge/arns.js";
export { EventBridgeError, type EventBridgeErrorName } from "../../eventbridge/errors.js";
export { DEFAULT_LOCAL_REGION, type EventBridgeApi, LOCAL_ACCOUNT_ID } from "./api.js";
export { LocalEventBridge, type LocalEventBridgeOptions } from "./engine.js";
export type { DeliveryRecord, RuleRecord } from "./records.js";

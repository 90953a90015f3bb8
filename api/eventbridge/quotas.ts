/**
 * EventBridge quotas the engine enforces and the config language checks ahead of deployment
 * (reference/eventbridge.md §6). Kept apart from the engine so the config checker can import them
 * without loading it.
 */

/** Rules per event bus: AWS's default quota (adjustable on AWS through Service Quotas, fixed here). */
export const MAX_RULES_PER_BUS = 300;

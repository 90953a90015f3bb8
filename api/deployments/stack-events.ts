/**
 * CloudFormation's "CloudFormation Stack Status Change" events (default bus, reference/eventbridge.md
 * §7.5) drive reconcile in AWS: the event's client-request-token names the deployment.
 */
import type { AppDeps } from "../deps.js";
import { reconcileStack, reconcileToken } from "./index.js";

export interface StackStatusChangeEvent {
  source?: string;
  "detail-type"?: string;
  detail?: {
    "stack-id"?: string;
    "status-details"?: { status?: string; "status-reason"?: string };
    "client-request-token"?: string;
  };
}

export async function handleStackStatusChange(
  deps: AppDeps,
  event: StackStatusChangeEvent,
): Promise<{ deploymentStatus?: string }> {
  if (
    event.source !== "aws.cloudformation" ||
    event["detail-type"] !== "CloudFormation Stack Status Change"
  ) {
    deps.log.warn("ignoring an event that is not a stack status change", {
      detailType: event["detail-type"],
    });
    return {};
  }
  const status =
    (await reconcileToken(deps, event.detail?.["client-request-token"])) ??
    (await reconcileStack(deps, event.detail?.["stack-id"]));
  deps.log.info("stack status change", {
    stackId: event.detail?.["stack-id"],
    stackStatus: event.detail?.["status-details"]?.status,
    deploymentStatus: status,
  });
  return status ? { deploymentStatus: status } : {};
}

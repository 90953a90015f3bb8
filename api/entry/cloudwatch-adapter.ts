/** The Lambda's CloudWatch adapter with its SDK client, imported on the first health request. */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { CloudWatchRuleMetrics } from "../aws/cloudwatch-metrics.js";

export function createRuleMetrics(env: Record<string, string | undefined>): CloudWatchRuleMetrics {
  return new CloudWatchRuleMetrics(new CloudWatchClient({ region: env.AWS_REGION }));
}

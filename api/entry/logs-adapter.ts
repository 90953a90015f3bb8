/** The Lambda's CloudWatch Logs adapter with its SDK client, imported on a preview's first read of an event sample. */
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { CloudWatchLogsEventSample } from "../aws/event-sample.js";

export function createEventSample(env: Record<string, string | undefined>): CloudWatchLogsEventSample {
  return new CloudWatchLogsEventSample(new CloudWatchLogsClient({ region: env.AWS_REGION }));
}

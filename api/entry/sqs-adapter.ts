/** The Lambda's SQS adapter with its SDK client, imported on the first dead-letter request. */
import { SQSClient } from "@aws-sdk/client-sqs";
import { SqsDeadLetterQueues } from "../aws/sqs-dead-letters.js";

export function createDeadLetterQueues(env: Record<string, string | undefined>): SqsDeadLetterQueues {
  return new SqsDeadLetterQueues(new SQSClient({ region: env.AWS_REGION }));
}

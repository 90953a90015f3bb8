import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { DeadLetterQueues, ReceivedDeadLetter } from "../buses/dead-letters.js";
import { DomainError } from "../errors.js";

/** How long a received message stays hidden from other readers while a request works on it. */
const HOLD_SECONDS = 60;
/** ReceiveMessage calls per request at most: an empty or repeating answer also stops it. */
const MAX_RECEIVES = 15;

/** `https://sqs.<region>.amazonaws.com/<account>/<name>` for `arn:aws:sqs:<region>:<account>:<name>`. */
export function queueUrlOf(queueArn: string): string {
  const [, partition, service, region, account, name] = queueArn.split(":");
  if (service !== "sqs" || !region || !account || !name) {
    throw new DomainError("bad-request", `${queueArn} is not an SQS queue ARN.`);
  }
  const domain = partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
  return `https://sqs.${region}.${domain}/${account}/${name}`;
}

const THROTTLED = new Set(["RequestThrottled", "ThrottlingException", "KmsThrottled"]);

/** Runs an SQS call; throttling that outlasted the SDK's retries is the caller's to retry later. */
async function viaSqs<T>(queueArn: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (THROTTLED.has((err as Error).name)) {
      throw new DomainError(
        "throttled",
        `SQS is throttling requests to ${queueArn}; nothing was changed by this call. Try again in a few seconds.`,
      );
    }
    throw err;
  }
}

const attribute = (m: Message, name: string) => m.MessageAttributes?.[name]?.StringValue;

function letterOf(m: Message): ReceivedDeadLetter {
  const retries = Number(attribute(m, "RETRY_ATTEMPTS"));
  const sent = Number(m.Attributes?.SentTimestamp);
  const errorCode = attribute(m, "ERROR_CODE");
  const errorMessage = attribute(m, "ERROR_MESSAGE");
  const ruleArn = attribute(m, "RULE_ARN");
  const targetArn = attribute(m, "TARGET_ARN");
  return {
    id: m.MessageId ?? "",
    handle: m.ReceiptHandle ?? "",
    event: m.Body ?? "",
    ...(errorCode ? { errorCode } : {}),
    ...(errorMessage ? { errorMessage } : {}),
    ...(Number.isInteger(retries) ? { attempts: retries + 1 } : {}),
    ...(ruleArn ? { ruleArn } : {}),
    ...(targetArn ? { targetArn } : {}),
    ...(Number.isFinite(sent) ? { sentAt: new Date(sent).toISOString() } : {}),
  };
}

/**
 * Dead-letter queues on SQS. EventBridge sends a failed event there with its error in message
 * attributes (ERROR_CODE, ERROR_MESSAGE, RETRY_ATTEMPTS, RULE_ARN, TARGET_ARN). Reading receives
 * messages (hidden for a minute from other readers) and makes them visible again at once, so
 * nothing is consumed; a redrive deletes only what the bus accepted again.
 */
export class SqsDeadLetterQueues implements DeadLetterQueues {
  readonly kind = "aws" as const;

  constructor(private readonly client: SQSClient) {}

  async receive(queueArn: string, limit: number): Promise<ReceivedDeadLetter[]> {
    const QueueUrl = queueUrlOf(queueArn);
    const seen = new Map<string, ReceivedDeadLetter>();
    for (let i = 0; i < MAX_RECEIVES && seen.size < limit; i++) {
      const out = await viaSqs(queueArn, () =>
        this.client.send(
          new ReceiveMessageCommand({
            QueueUrl,
            MaxNumberOfMessages: Math.min(10, limit - seen.size),
            VisibilityTimeout: HOLD_SECONDS,
            WaitTimeSeconds: 0,
            MessageAttributeNames: ["All"],
            MessageSystemAttributeNames: ["SentTimestamp"],
          }),
        ),
      );
      const messages = out.Messages ?? [];
      const fresh = messages.filter((m) => m.MessageId && !seen.has(m.MessageId));
      for (const m of fresh) seen.set(m.MessageId!, letterOf(m));
      // SQS samples its servers: an empty answer may hide messages, but a short queue answers empty
      // once it is read; a receive that brings nothing new ends the read either way.
      if (fresh.length === 0) break;
    }
    return [...seen.values()].sort((a, b) => (a.sentAt ?? "").localeCompare(b.sentAt ?? ""));
  }

  async release(queueArn: string, handles: readonly string[]): Promise<void> {
    const QueueUrl = queueUrlOf(queueArn);
    for (let i = 0; i < handles.length; i += 10) {
      await viaSqs(queueArn, () =>
        this.client.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl,
            Entries: handles
              .slice(i, i + 10)
              .map((ReceiptHandle, j) => ({ Id: String(i + j), ReceiptHandle, VisibilityTimeout: 0 })),
          }),
        ),
      );
    }
  }

  async delete(queueArn: string, handles: readonly string[]): Promise<void> {
    const QueueUrl = queueUrlOf(queueArn);
    for (let i = 0; i < handles.length; i += 10) {
      const out = await viaSqs(queueArn, () =>
        this.client.send(
          new DeleteMessageBatchCommand({
            QueueUrl,
            Entries: handles
              .slice(i, i + 10)
              .map((ReceiptHandle, j) => ({ Id: String(i + j), ReceiptHandle })),
          }),
        ),
      );
      if (out.Failed?.length) {
        throw new Error(
          `SQS kept ${out.Failed.length} re-driven message(s) of ${queueArn}: ${out.Failed.map((f) => f.Code).join(", ")}`,
        );
      }
    }
  }

  async purge(queueArn: string): Promise<void> {
    try {
      await viaSqs(queueArn, () =>
        this.client.send(new PurgeQueueCommand({ QueueUrl: queueUrlOf(queueArn) })),
      );
    } catch (err) {
      const name = (err as Error).name;
      if (name === "PurgeQueueInProgress" || name === "AWS.SimpleQueueService.PurgeQueueInProgress") {
        throw new DomainError(
          "conflict",
          "This queue was purged less than a minute ago; SQS allows one purge a minute. Try again shortly.",
        );
      }
      throw err;
    }
  }
}

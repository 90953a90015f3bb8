/**
 * Where an alarm's state changes go (`notificationTargets`): Slack, Microsoft Teams, Discord, a
 * webhook, e-mail. Stacktape sends them from its own service function; Switchyard runs no code, so
 * they are compiled to what AWS delivers by itself: an EventBridge rule on the account's default bus
 * that matches this alarm's state changes only, with one target per notification target. HTTP
 * targets are EventBridge API destinations (a connection holding the credential, which CloudFormation
 * reads from Secrets Manager), e-mail an SNS topic with an e-mail subscription per recipient.
 */
import { z } from "@hono/zod-openapi";
import type { CompileContext } from "../../../compiler/context.js";
import { resolveDirectives } from "../../../compiler/directives.js";
import { logicalId, NAME_LIMITS, physicalName } from "../../../compiler/naming.js";
import { allow, getAtt, policyDocument, ref } from "../../../compiler/template.js";
import type { ConfigPath } from "../../../config/problem.js";
import { strictObject } from "../../../config/schema/strict.js";
import { dynamicReference, secretOf, secretReference } from "./secrets.js";

const EmailSchema = z.string().regex(/^[^@\s]+@[^@\s]+$/, "An e-mail address.");

export const NotificationTargetSchema = z.discriminatedUnion(
  "type",
  [
    strictObject({
      type: z.literal("slack"),
      // Optional in Stacktape's types, needed in fact: checkNotificationTarget says so.
      properties: strictObject({
        conversationId: z.string().min(1),
        accessToken: secretReference("A Slack access token"),
      }).optional(),
    }),
    strictObject({
      type: z.literal("ms-teams"),
      properties: strictObject({ webhookUrl: secretReference("A Microsoft Teams webhook URL") }).optional(),
    }),
    strictObject({
      type: z.literal("discord"),
      properties: strictObject({ webhookUrl: secretReference("A Discord webhook URL") }).optional(),
    }),
    strictObject({
      type: z.literal("webhook"),
      properties: strictObject({
        url: z.string().regex(/^https:\/\//, "A webhook URL starts with https://."),
        headers: z.record(z.string(), z.string()).optional(),
        secret: z.string().optional(),
      }).optional(),
    }),
    strictObject({
      type: z.literal("email"),
      properties: strictObject({ sender: EmailSchema, recipient: EmailSchema }),
    }),
  ],
  {
    error: (issue) =>
      issue.code === "invalid_union"
        ? "Unsupported notification target. Supported types: slack, ms-teams, discord, webhook, email."
        : undefined,
  },
);

export type NotificationTarget = z.infer<typeof NotificationTargetSchema>;
type Complete<T> = T extends { properties?: infer P }
  ? Omit<T, "properties"> & { properties: NonNullable<P> }
  : T;
/** A target with its properties (checked at load time by checkNotificationTarget). */
type CompleteTarget = Complete<NotificationTarget>;

const NEEDED: Record<NotificationTarget["type"], string> = {
  slack: "conversationId and accessToken",
  "ms-teams": "webhookUrl",
  discord: "webhookUrl",
  webhook: "url",
  email: "sender and recipient",
};

/** Stacktape's types let properties out; no target can be reached without them. */
export function checkNotificationTarget(
  target: NotificationTarget,
  path: ConfigPath,
  report: (path: ConfigPath, message: string) => void,
): void {
  if (target.properties === undefined)
    report(path, `A ${target.type} notification target needs properties: ${NEEDED[target.type]}.`);
}

/** EventBridge allows 5 targets per rule; each notification target is one. */
export const MAX_NOTIFICATION_TARGETS = 5;

export const NOTIFICATION_CLOUDFORMATION_TYPES = [
  "AWS::Events::Rule",
  "AWS::Events::Connection",
  "AWS::Events::ApiDestination",
  "AWS::IAM::Role",
  "AWS::SNS::Topic",
  "AWS::SNS::Subscription",
  "AWS::SNS::TopicPolicy",
];

/** What every message says: filled by EventBridge from the alarm's state change event. */
const INPUT_PATHS = {
  alarmName: "$.detail.alarmName",
  state: "$.detail.state.value",
  reason: "$.detail.state.reason",
  time: "$.time",
};

export interface NotifiedAlarm {
  /** The config resource the alarm is on. */
  owner: string;
  /** Stacktape's name of the alarm (`LambdaErrorRateForMyFunction0`). */
  name: string;
  alarmLogicalId: string;
  description: string;
  /** Whether OK (resolved) changes are sent too, not only ALARM ones. */
  includeResolved: boolean;
  targets: NotificationTarget[];
  path: ConfigPath;
}

/**
 * The rule, its targets and what they need. Returns the logical IDs of the API destinations the
 * owner's notification role must be allowed to invoke.
 */
export function compileNotifications(ctx: CompileContext, alarm: NotifiedAlarm): unknown[] {
  const { owner, name, targets, path } = alarm;
  if (targets.length > MAX_NOTIFICATION_TARGETS) {
    ctx.error(
      [...path, "notificationTargets", MAX_NOTIFICATION_TARGETS],
      `An alarm has at most ${MAX_NOTIFICATION_TARGETS} notification targets (EventBridge's targets per rule).`,
    );
    return [];
  }
  const destinations: unknown[] = [];
  const ruleTargets: Record<string, unknown>[] = [];
  const roleId = logicalId(owner, "AWS::IAM::Role", "AlarmNotifications");
  const ruleId = logicalId(name, "AWS::Events::Rule", "Notification");
  const complete = targets as CompleteTarget[];
  const emails = complete.flatMap((t, i) => (t.type === "email" ? [{ target: t, i }] : []));

  complete.forEach((target, i) => {
    const at = [...path, "notificationTargets", i, "properties"];
    if (target.type === "email") return;
    if (target.type === "webhook" && target.properties.secret !== undefined) {
      ctx.error(
        [...at, "secret"],
        "A signed webhook is not supported: EventBridge API destinations cannot sign a payload. Authenticate with a header instead (headers, with its value as $Secret('<name>')).",
      );
      return;
    }
    const connectionId = logicalId(name, "AWS::Events::Connection", `Notification${i}`);
    const destinationId = logicalId(name, "AWS::Events::ApiDestination", `Notification${i}`);
    const http = httpTarget(ctx, target, at, alarm);
    ctx.add(owner, connectionId, {
      Type: "AWS::Events::Connection",
      Properties: {
        Name: ctx.physicalName(`${name}-${i}`, NAME_LIMITS.connection),
        Description: `Notifications of alarm ${name} (${target.type})`,
        AuthorizationType: "API_KEY",
        AuthParameters: {
          ApiKeyAuthParameters: http.apiKey,
          ...(http.headers.length > 0
            ? { InvocationHttpParameters: { HeaderParameters: http.headers } }
            : {}),
        },
      },
    });
    ctx.add(owner, destinationId, {
      Type: "AWS::Events::ApiDestination",
      Properties: {
        Name: ctx.physicalName(`${name}-${i}`, NAME_LIMITS.connection),
        ConnectionArn: getAtt(connectionId, "Arn"),
        HttpMethod: "POST",
        InvocationEndpoint: http.endpoint,
      },
    });
    destinations.push(getAtt(destinationId, "Arn"));
    ruleTargets.push({
      Id: `notification-${i}`,
      Arn: getAtt(destinationId, "Arn"),
      RoleArn: getAtt(roleId, "Arn"),
      ...(http.body ? { InputTransformer: { InputPathsMap: INPUT_PATHS, InputTemplate: http.body } } : {}),
    });
  });

  if (emails.length > 0) {
    const topicId = logicalId(name, "AWS::SNS::Topic", "Notification");
    ctx.add(owner, topicId, {
      Type: "AWS::SNS::Topic",
      Properties: {
        TopicName: ctx.physicalName(`${name}-notifications`, 256),
        DisplayName: "Switchyard alarm",
      },
    });
    for (const { target, i } of emails) {
      ctx.add(owner, logicalId(name, "AWS::SNS::Subscription", `Notification${i}`), {
        Type: "AWS::SNS::Subscription",
        Properties: { TopicArn: ref(topicId), Protocol: "email", Endpoint: target.properties.recipient },
      });
      // SNS sends e-mail from its own address; the sender cannot be chosen.
      ctx.warn(
        [...path, "notificationTargets", i, "properties", "sender"],
        `E-mail notifications are sent by Amazon SNS from its own address (no-reply@sns.amazonaws.com), not from ${target.properties.sender}; ${target.properties.recipient} confirms the subscription once.`,
      );
    }
    ctx.add(owner, logicalId(name, "AWS::SNS::TopicPolicy", "Notification"), {
      Type: "AWS::SNS::TopicPolicy",
      Properties: {
        Topics: [ref(topicId)],
        PolicyDocument: policyDocument([
          {
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sns:Publish",
            Resource: ref(topicId),
            Condition: { ArnEquals: { "aws:SourceArn": getAtt(ruleId, "Arn") } },
          },
        ]),
      },
    });
    ruleTargets.push({
      Id: "notification-email",
      Arn: ref(topicId),
      InputTransformer: { InputPathsMap: INPUT_PATHS, InputTemplate: jsonTemplate(message(alarm)) },
    });
  }

  if (ruleTargets.length === 0) return destinations;
  ctx.add(owner, ruleId, {
    Type: "AWS::Events::Rule",
    Properties: {
      Name: notificationRuleName(ctx, name),
      Description: `Notifications of alarm ${name}`,
      State: "ENABLED",
      // On the default bus, where CloudWatch sends alarm state changes; this alarm's only.
      EventPattern: {
        source: ["aws.cloudwatch"],
        "detail-type": ["CloudWatch Alarm State Change"],
        resources: [getAtt(alarm.alarmLogicalId, "Arn")],
        detail: { state: { value: alarm.includeResolved ? ["ALARM", "OK"] : ["ALARM"] } },
      },
      Targets: ruleTargets,
    },
  });
  return destinations;
}

/** The role EventBridge takes to call the owner's API destinations, and nothing else. */
export function compileNotificationRole(ctx: CompileContext, owner: string, destinations: unknown[]): void {
  if (destinations.length === 0) return;
  ctx.add(owner, logicalId(owner, "AWS::IAM::Role", "AlarmNotifications"), {
    Type: "AWS::IAM::Role",
    Properties: {
      AssumeRolePolicyDocument: policyDocument([
        { Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: ["sts:AssumeRole"] },
      ]),
      Policies: [
        {
          PolicyName: "invoke-alarm-notification-destinations",
          PolicyDocument: policyDocument([allow(["events:InvokeApiDestination"], destinations)]),
        },
      ],
    },
  });
}

/** Stacktape's `<stack>-alarm-notification-<alarm>`: a 40-character head and the alarm's name in 23. */
function notificationRuleName(ctx: CompileContext, alarmName: string): string {
  return `${ctx.physicalName("alarm-notification", 40)}-${physicalName(alarmName, 23)}`;
}

interface HttpTarget {
  endpoint: string;
  apiKey: { ApiKeyName: string; ApiKeyValue: string };
  headers: { Key: string; Value: string; IsValueSecret: boolean }[];
  /** The request body as an input template; none sends the event as it is. */
  body?: string;
}

function httpTarget(
  ctx: CompileContext,
  target: Exclude<CompleteTarget, { type: "email" }>,
  at: ConfigPath,
  alarm: NotifiedAlarm,
): HttpTarget {
  // Connections need a credential; Teams, Discord and plain webhooks take none, so a harmless header.
  const marker = { ApiKeyName: "X-Switchyard-Alarm", ApiKeyValue: alarm.name };
  // Where each reference was written: the tenant check reports a secret the team may not resolve there.
  const secret = (value: string, property: string) => {
    const reference = dynamicReference(value);
    ctx.dynamicReferenceOrigins.set(reference, [...at, property]);
    return reference;
  };
  switch (target.type) {
    case "slack":
      return {
        endpoint: "https://slack.com/api/chat.postMessage",
        apiKey: {
          ApiKeyName: "Authorization",
          ApiKeyValue: `Bearer ${secret(target.properties.accessToken, "accessToken")}`,
        },
        headers: [],
        body: jsonTemplate({
          channel: String(
            resolveDirectives(target.properties.conversationId, [...at, "conversationId"], ctx),
          ),
          text: message(alarm),
        }),
      };
    case "ms-teams":
      return {
        endpoint: secret(target.properties.webhookUrl, "webhookUrl"),
        apiKey: marker,
        headers: [],
        body: jsonTemplate({ text: message(alarm) }),
      };
    case "discord":
      return {
        endpoint: secret(target.properties.webhookUrl, "webhookUrl"),
        apiKey: marker,
        headers: [],
        body: jsonTemplate({ content: message(alarm) }),
      };
    case "webhook":
      return {
        endpoint: target.properties.url,
        apiKey: marker,
        headers: Object.entries(target.properties.headers ?? {}).map(([Key, value]) =>
          secretOf(value)
            ? { Key, Value: secret(value, `headers.${Key}`), IsValueSecret: true }
            : { Key, Value: value, IsValueSecret: false },
        ),
      };
  }
}

/** What a notification says; `<...>` are EventBridge's placeholders (jsonTemplate keeps them). */
function message(alarm: NotifiedAlarm): string {
  return `${PLACEHOLDER("state")}: alarm ${PLACEHOLDER("alarmName")} (${alarm.description}) at ${PLACEHOLDER("time")}. ${PLACEHOLDER("reason")}`;
}

const MARK = "\u0001";
const PLACEHOLDER = (name: keyof typeof INPUT_PATHS) => `${MARK}${name}${MARK}`;

/**
 * An EventBridge input template of a JSON value: `<` and `>` in the config's text are escaped, so
 * nothing a user wrote becomes a placeholder, and the marked placeholders become `<name>`.
 */
function jsonTemplate(value: unknown): string {
  return JSON.stringify(value)
    .replaceAll("<", "\\u003c")
    .replaceAll(">", "\\u003e")
    .replace(/\\u0001([A-Za-z]+)\\u0001/g, "<$1>");
}

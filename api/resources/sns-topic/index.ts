import { z } from "@hono/zod-openapi";
import { logicalId, physicalName } from "../../compiler/naming.js";
import { allow, getAtt, ref } from "../../compiler/template.js";
import { envVarName } from "../../config/params.js";
import { resourceSchema } from "../../config/schema/common.js";
import { eventsOf } from "../../config/schema/events.js";
import { strictObject } from "../../config/schema/strict.js";
import type { ResourceDefinition } from "../definition.js";
import { busTrigger, checkBusTrigger, compileBusTrigger } from "../event-bus/trigger.js";
import { snsTrigger } from "../triggers/sns.js";
import { topicArn, topicId } from "./names.js";

/** SNS topic names: 256 characters, `.fifo` included. */
const TOPIC_NAME_LIMIT = 256;

export const SnsTopicSchema = resourceSchema(
  "sns-topic",
  strictObject({
    smsDisplayName: z.string().max(100).optional(),
    fifoEnabled: z.boolean().optional(),
    contentBasedDeduplication: z.boolean().optional(),
    // Switchyard's addition: a topic as the target of bus subscriptions, as a queue is.
    events: eventsOf("sns-topic", [busTrigger.type], [busTrigger.schema]).optional(),
  }).optional(),
);

export type SnsTopicResource = z.infer<typeof SnsTopicSchema>;

/** What `connectTo` a topic grants, as in Stacktape. */
const TOPIC_ACTIONS = [
  "sns:ConfirmSubscription",
  "sns:GetTopicAttributes",
  "sns:ListSubscriptionsByTopic",
  "sns:Publish",
  "sns:Subscribe",
  "sns:Unsubscribe",
];

const topicParams = (name: string) => ({
  arn: topicArn(name),
  name: getAtt(topicId(name), "TopicName"),
});

/**
 * sns-topic → AWS::SNS::Topic (`<stack>-<name>[.fifo]`); the source of `sns` triggers on functions;
 * the target of its own event-bus triggers, with one AWS::SNS::TopicPolicy letting those rules publish.
 */
export const snsTopic: ResourceDefinition<SnsTopicResource> = {
  type: "sns-topic",
  schema: SnsTopicSchema,
  triggers: [busTrigger],
  trigger: snsTrigger,
  cloudformationTypes: ["AWS::SNS::Topic", "AWS::SNS::TopicPolicy", ...busTrigger.cloudformationTypes],

  paramNames: () => ["arn", "name"],

  check(name, resource, checks) {
    const base = ["resources", name, "properties"];
    const props = resource.properties;
    if (!props?.fifoEnabled && props?.contentBasedDeduplication)
      checks.report(
        [...base, "contentBasedDeduplication"],
        "contentBasedDeduplication applies only to FIFO topics (fifoEnabled: true).",
      );
    props?.events?.forEach((event, i) => {
      const path = [...base, "events", i];
      if (props.fifoEnabled)
        checks.report(path, "A FIFO topic cannot be the target of event-bus rules; use a FIFO sqs-queue.");
      checkBusTrigger(event.properties, [...path, "properties"], checks);
    });
  },

  compile(name, resource, ctx) {
    const props = resource.properties ?? {};
    const fifo = props.fifoEnabled === true;
    ctx.add(name, topicId(name), {
      Type: "AWS::SNS::Topic",
      Properties: {
        TopicName: fifo
          ? `${physicalName(`${ctx.stack}-${name}`, TOPIC_NAME_LIMIT - 5)}.fifo`
          : physicalName(`${ctx.stack}-${name}`, TOPIC_NAME_LIMIT),
        ...(fifo ? { FifoTopic: true } : {}),
        ...(props.contentBasedDeduplication !== undefined
          ? { ContentBasedDeduplication: props.contentBasedDeduplication }
          : {}),
        ...(props.smsDisplayName !== undefined ? { DisplayName: props.smsDisplayName } : {}),
      },
    });
    props.events?.forEach((event, i) => {
      compileBusTrigger(
        ctx,
        name,
        i,
        event.properties,
        ["resources", name, "properties", "events", i, "properties"],
        {
          kind: "sns",
          arn: ref(topicId(name)),
          topicName: name,
        },
      );
    });
  },

  /** One AWS::SNS::TopicPolicy per topic that rules publish to. */
  resourcePolicy(name, statements, ctx) {
    ctx.add(name, logicalId(name, "AWS::SNS::TopicPolicy"), {
      Type: "AWS::SNS::TopicPolicy",
      Properties: {
        Topics: [ref(topicId(name))],
        PolicyDocument: { Version: "2012-10-17", Statement: statements },
      },
    });
  },

  params: topicParams,

  connect(name) {
    const params = topicParams(name);
    return {
      statements: [allow(TOPIC_ACTIONS, [params.arn])],
      environment: Object.fromEntries(Object.entries(params).map(([p, v]) => [envVarName(name, p), v])),
    };
  },
};

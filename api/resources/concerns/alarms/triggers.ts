/**
 * The alarm triggers Stacktape documents, per resource type (reference: its `LambdaAlarmTrigger`,
 * `SqsQueueAlarmTrigger`, `HttpApiGatewayAlarmTrigger`), and the CloudWatch metrics each watches:
 * the same metric queries, defaults and missing-data treatment as Stacktape's alarms.
 */
import { z } from "@hono/zod-openapi";
import { logicalId } from "../../../compiler/naming.js";
import { getAtt, join, ref } from "../../../compiler/template.js";
import { strictObject } from "../../../config/schema/strict.js";

export const COMPARISON_OPERATORS = [
  "GreaterThanOrEqualToThreshold",
  "GreaterThanThreshold",
  "LessThanOrEqualToThreshold",
  "LessThanThreshold",
] as const;
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

/** Stacktape's statistic names and CloudWatch's. */
const STATISTICS = {
  avg: "Average",
  max: "Maximum",
  min: "Minimum",
  sum: "Sum",
  p90: "p90",
  p95: "p95",
  p99: "p99",
};
type Statistic = keyof typeof STATISTICS;
const StatisticSchema = z.enum(Object.keys(STATISTICS) as [Statistic, ...Statistic[]]);
const ComparisonSchema = z.enum(COMPARISON_OPERATORS);

export interface MetricQuery {
  Id: string;
  MetricStat?: {
    Metric: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: unknown }[] };
    Period: number;
    Stat: string;
  };
  Expression?: string;
  Period?: number;
  Label?: string;
  ReturnData: boolean;
}

/** What every trigger's properties may hold. */
interface TriggerProps {
  comparisonOperator?: ComparisonOperator;
  statistic?: Statistic;
}

export interface AlarmTriggerKind {
  type: string;
  /** The resource type whose `alarms` take it. */
  resourceType: "function" | "sqs-queue" | "http-api-gateway";
  /** The whole trigger, `{ type, properties }`. */
  schema: z.ZodType;
  /** What the threshold counts, for messages: `%`, `ms`, or nothing. */
  unit: string;
  threshold(props: unknown): number;
  /** The statistic when the trigger takes one and none is given. */
  defaultStatistic?: Statistic;
  treatMissingData?: "breaching" | "notBreaching";
  /**
   * The metric queries, the last one returning the value compared with the threshold. `alias` is the
   * alias that takes a function's invocations, when it has one (its metrics are the alias's).
   */
  metrics(resourceName: string, period: number, stat: string, type: string, alias?: string): MetricQuery[];
}

const withComparison = <S extends z.ZodRawShape>(shape: S) =>
  strictObject({ ...shape, comparisonOperator: ComparisonSchema.optional() });
const withStatistic = <S extends z.ZodRawShape>(shape: S) =>
  withComparison({ ...shape, statistic: StatisticSchema.optional() });

const trigger = <T extends string, P extends z.ZodType>(type: T, properties: P) =>
  strictObject({ type: z.literal(type), properties });

type Dimensions = { Name: string; Value: unknown }[];

function stat(
  namespace: string,
  metricName: string,
  dimensions: Dimensions,
  period: number,
  statName: string,
) {
  return {
    Metric: { Namespace: namespace, MetricName: metricName, Dimensions: dimensions },
    Period: period,
    Stat: statName,
  };
}

/** One metric, as Stacktape's `getMetricStatDataQuery`: its id in snake case and a label that says it all. */
function single(
  namespace: string,
  metricName: string,
  dimensions: Dimensions,
  period: number,
  statName: string,
  type: string,
): MetricQuery[] {
  return [
    {
      Id: snakeCase(metricName),
      MetricStat: stat(namespace, metricName, dimensions, period, statName),
      ReturnData: true,
      Label: [statName, ...type.split("-"), "over last", period, "seconds"].join(" "),
    },
  ];
}

/** A sum of each metric, and an expression over them that returns the compared value. */
function expression(
  namespace: string,
  parts: [id: string, metricName: string][],
  dimensions: Dimensions,
  period: number,
  type: string,
  formula: string,
  label: string,
): MetricQuery[] {
  return [
    ...parts.map(([Id, metricName]) => ({
      Id,
      MetricStat: stat(namespace, metricName, dimensions, period, "Sum"),
      ReturnData: false,
    })),
    { Id: type.replaceAll("-", "_"), Period: period, Expression: formula, Label: label, ReturnData: true },
  ];
}

/** A function invoked through an alias reports its invocations under `Resource` `<function>:<alias>`. */
const lambdaDimensions = (name: string, alias?: string): Dimensions => {
  const fn = ref(logicalId(name, "AWS::Lambda::Function"));
  return [
    { Name: "FunctionName", Value: fn },
    { Name: "Resource", Value: alias ? join(":", [fn, alias]) : fn },
  ];
};
const queueDimensions = (name: string): Dimensions => [
  { Name: "QueueName", Value: getAtt(logicalId(name, "AWS::SQS::Queue"), "QueueName") },
];
const apiDimensions = (name: string): Dimensions => [
  { Name: "ApiId", Value: ref(logicalId(name, "AWS::ApiGatewayV2::Api")) },
];

const props = (p: unknown) => p as Record<string, number>;

export const ALARM_TRIGGERS: readonly AlarmTriggerKind[] = [
  {
    type: "lambda-error-rate",
    resourceType: "function",
    schema: trigger("lambda-error-rate", withComparison({ thresholdPercent: z.number() })),
    unit: "%",
    threshold: (p) => props(p).thresholdPercent!,
    treatMissingData: "notBreaching",
    metrics: (name, period, _stat, type, alias) =>
      expression(
        "AWS/Lambda",
        [
          ["error_count", "Errors"],
          ["invocations", "Invocations"],
        ],
        lambdaDimensions(name, alias),
        period,
        type,
        "( error_count / invocations ) * 100",
        "Lambda error rate percentage",
      ),
  },
  {
    type: "lambda-duration",
    resourceType: "function",
    schema: trigger("lambda-duration", withStatistic({ thresholdMilliseconds: z.number() })),
    unit: "ms",
    threshold: (p) => props(p).thresholdMilliseconds!,
    defaultStatistic: "avg",
    treatMissingData: "notBreaching",
    metrics: (name, period, statName, type, alias) =>
      single("AWS/Lambda", "Duration", lambdaDimensions(name, alias), period, statName, type),
  },
  {
    type: "sqs-queue-received-messages-count",
    resourceType: "sqs-queue",
    schema: trigger("sqs-queue-received-messages-count", withStatistic({ thresholdCount: z.number() })),
    unit: "",
    threshold: (p) => props(p).thresholdCount!,
    defaultStatistic: "avg",
    treatMissingData: "breaching",
    metrics: (name, period, statName, type) =>
      single("AWS/SQS", "NumberOfMessagesReceived", queueDimensions(name), period, statName, type),
  },
  {
    type: "sqs-queue-not-empty",
    resourceType: "sqs-queue",
    // The only trigger without properties: it fires when any message is in, or passes through, the queue.
    schema: strictObject({ type: z.literal("sqs-queue-not-empty") }),
    unit: "",
    threshold: () => 0,
    metrics: (name, period, _stat, type) =>
      expression(
        "AWS/SQS",
        [
          ["received", "NumberOfMessagesReceived"],
          ["visible", "ApproximateNumberOfMessagesVisible"],
          ["not_visible", "ApproximateNumberOfMessagesNotVisible"],
          ["sent", "NumberOfMessagesSent"],
        ],
        queueDimensions(name),
        period,
        type,
        "received + visible + not_visible + sent",
        "Messages in the queue (received + visible + not_visible + sent)",
      ),
  },
  {
    type: "http-api-gateway-error-rate",
    resourceType: "http-api-gateway",
    schema: trigger("http-api-gateway-error-rate", withComparison({ thresholdPercent: z.number() })),
    unit: "%",
    threshold: (p) => props(p).thresholdPercent!,
    treatMissingData: "notBreaching",
    metrics: (name, period, _stat, type) =>
      expression(
        "AWS/ApiGateway",
        [
          ["error_4xx_count", "4xx"],
          ["error_5xx_count", "5xx"],
          ["all_count", "Count"],
        ],
        apiDimensions(name),
        period,
        type,
        "( ( error_4xx_count + error_5xx_count ) / all_count ) * 100",
        "Http api gateway error(4xx/5xx) rate percentage",
      ),
  },
  {
    type: "http-api-gateway-latency",
    resourceType: "http-api-gateway",
    schema: trigger("http-api-gateway-latency", withStatistic({ thresholdMilliseconds: z.number() })),
    unit: "ms",
    threshold: (p) => props(p).thresholdMilliseconds!,
    defaultStatistic: "avg",
    treatMissingData: "notBreaching",
    metrics: (name, period, statName, type) =>
      single("AWS/ApiGateway", "Latency", apiDimensions(name), period, statName, type),
  },
];

/** The comparison a trigger uses: its own, or greater than the threshold (every default is that). */
export const comparisonOf = (properties: unknown): ComparisonOperator =>
  (properties as TriggerProps | undefined)?.comparisonOperator ?? "GreaterThanThreshold";

/** CloudWatch's statistic for a trigger that takes one, else undefined. */
export function statisticOf(kind: AlarmTriggerKind, properties: unknown): string | undefined {
  const chosen = (properties as TriggerProps | undefined)?.statistic ?? kind.defaultStatistic;
  return chosen ? STATISTICS[chosen] : undefined;
}

/** change-case's snakeCase for the metric names used here (`NumberOfMessagesReceived` → `number_of_messages_received`). */
function snakeCase(text: string): string {
  return text.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

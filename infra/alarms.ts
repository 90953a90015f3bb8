/**
 * Alarms that page the platform team: API 5xx, function errors and throttles, store throttles.
 * Every alarm notifies one SNS topic; an e-mail subscription is added when one is configured.
 */
import { Duration } from "aws-cdk-lib";
import type { HttpApi } from "aws-cdk-lib/aws-apigatewayv2";
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import type { Function as LambdaFunction } from "aws-cdk-lib/aws-lambda";
import { Topic } from "aws-cdk-lib/aws-sns";
import { EmailSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import type { Queue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";

export interface SwitchyardAlarmsProps {
  api: HttpApi;
  functions: Record<string, LambdaFunction>;
  tableName: string;
  /** Stack events the reconcile function could not take; any message means a missed reconcile. */
  deadLetters: Queue;
  alarmEmail?: string;
}

const PERIOD = Duration.minutes(5);

export class SwitchyardAlarms extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: SwitchyardAlarmsProps) {
    super(scope, id);
    this.topic = new Topic(this, "Topic", { displayName: "Switchyard alarms" });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));

    this.alarm(
      "Api5xx",
      props.api.metricServerError({ period: PERIOD, statistic: "Sum" }),
      5,
      "The HTTP API answered 5xx at least 5 times in 5 minutes.",
    );
    for (const [name, fn] of Object.entries(props.functions)) {
      this.alarm(
        `${name}Errors`,
        fn.metricErrors({ period: PERIOD, statistic: "Sum" }),
        1,
        `The ${name} function failed at least once in 5 minutes.`,
      );
      this.alarm(
        `${name}Throttles`,
        fn.metricThrottles({ period: PERIOD, statistic: "Sum" }),
        1,
        `The ${name} function was throttled in the last 5 minutes.`,
      );
    }
    this.alarm(
      "ReconcileDeadLetters",
      props.deadLetters.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: "Maximum" }),
      1,
      "Stack status events could not be delivered to the reconcile function.",
    );
    const tableMetric = (metricName: string) =>
      new Metric({
        namespace: "AWS/DynamoDB",
        metricName,
        dimensionsMap: { TableName: props.tableName },
        period: PERIOD,
        statistic: "Sum",
      });
    this.alarm(
      "StoreThrottles",
      new MathExpression({
        expression: "FILL(reads, 0) + FILL(writes, 0)",
        usingMetrics: {
          reads: tableMetric("ReadThrottleEvents"),
          writes: tableMetric("WriteThrottleEvents"),
        },
        period: PERIOD,
        label: "Throttled store requests",
      }),
      1,
      "DynamoDB throttled requests to the store table in the last 5 minutes.",
    );
  }

  private alarm(id: string, metric: IMetric, threshold: number, description: string): Alarm {
    const alarm = new Alarm(this, id, {
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    return alarm;
  }
}

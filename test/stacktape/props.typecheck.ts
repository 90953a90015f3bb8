/**
 * Stacktape's published types are the spec (#17): for each resource type Switchyard supports, every
 * config Stacktape's types accept must be typed the way Switchyard's schema takes it, property by
 * property (test/stacktape/gaps.ts says how, and why plain assignability is not enough). `tsc` checks
 * this file (npm test's typecheck); a failure names the path of each property Switchyard lacks.
 *
 * KNOWN_GAPS lists what is not supported yet; it only shrinks. Both directions are checked: a new
 * gap fails, and so does a listed gap that has been closed (remove it from the list).
 */
import type { z } from "@hono/zod-openapi";
import type { StacktapeResourcesPlain } from "stacktape/types";
import type { BatchJobSchema } from "../../api/resources/batch-job.js";
import type { EventBusSchema } from "../../api/resources/event-bus/index.js";
import type { FunctionSchema } from "../../api/resources/function.js";
import type { HttpApiGatewaySchema } from "../../api/resources/http-api-gateway.js";
import type { MultiContainerWorkloadSchema } from "../../api/resources/multi-container-workload/schema.js";
import type { SnsTopicSchema } from "../../api/resources/sns-topic/index.js";
import type { SqsQueueSchema } from "../../api/resources/sqs-queue.js";
import type { ResourceGaps } from "./gaps.js";

/** Stacktape's type of a resource, by its `type`. */
type Stacktape<T extends string> = Extract<StacktapeResourcesPlain[string], { type: T }>;

interface KnownGaps {
  "event-bus": never;
  "sqs-queue": never;
  "sns-topic": never;
  function: never;
  "http-api-gateway": never;
  "batch-job": never;
  "multi-container-workload": never;
}

/** Fails to compile, naming the paths, unless `Paths` is empty. */
type None<Paths extends never> = Paths;
type Gaps<Type extends string, Schema extends z.ZodType> = ResourceGaps<Stacktape<Type>, z.input<Schema>>;

// Each line twice: no gap beyond the known ones, and no known gap that is closed.
type EventBus = Gaps<"event-bus", typeof EventBusSchema>;
export type EventBusNew = None<Exclude<EventBus, KnownGaps["event-bus"]>>;
export type EventBusClosed = None<Exclude<KnownGaps["event-bus"], EventBus>>;
type SqsQueue = Gaps<"sqs-queue", typeof SqsQueueSchema>;
export type SqsQueueNew = None<Exclude<SqsQueue, KnownGaps["sqs-queue"]>>;
export type SqsQueueClosed = None<Exclude<KnownGaps["sqs-queue"], SqsQueue>>;
type SnsTopic = Gaps<"sns-topic", typeof SnsTopicSchema>;
export type SnsTopicNew = None<Exclude<SnsTopic, KnownGaps["sns-topic"]>>;
export type SnsTopicClosed = None<Exclude<KnownGaps["sns-topic"], SnsTopic>>;
type LambdaFunction = Gaps<"function", typeof FunctionSchema>;
export type FunctionNew = None<Exclude<LambdaFunction, KnownGaps["function"]>>;
export type FunctionClosed = None<Exclude<KnownGaps["function"], LambdaFunction>>;
type HttpApiGateway = Gaps<"http-api-gateway", typeof HttpApiGatewaySchema>;
export type HttpApiGatewayNew = None<Exclude<HttpApiGateway, KnownGaps["http-api-gateway"]>>;
export type HttpApiGatewayClosed = None<Exclude<KnownGaps["http-api-gateway"], HttpApiGateway>>;
type BatchJob = Gaps<"batch-job", typeof BatchJobSchema>;
export type BatchJobNew = None<Exclude<BatchJob, KnownGaps["batch-job"]>>;
export type BatchJobClosed = None<Exclude<KnownGaps["batch-job"], BatchJob>>;
type Workload = Gaps<"multi-container-workload", typeof MultiContainerWorkloadSchema>;
export type WorkloadNew = None<Exclude<Workload, KnownGaps["multi-container-workload"]>>;
export type WorkloadClosed = None<Exclude<KnownGaps["multi-container-workload"], Workload>>;

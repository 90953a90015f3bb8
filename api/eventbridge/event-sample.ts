/**
 * A bus's event sample (Switchyard's `switchyardEventSample` on an event-bus): a rule on the bus
 * with a pattern every event matches, delivering each event whole to a CloudWatch Logs group that
 * previews read recent events from on AWS. The compiler (api/resources/event-bus/sample.ts) and
 * the reading adapter (api/aws/event-sample.ts) derive the group from the bus name alone, so a
 * preview needs nothing but the bus to find it.
 */

/** Where EventBridge's log-group targets conventionally live (the console lists only these). */
export const EVENT_SAMPLE_LOG_GROUP_HEAD = "/aws/events/";

/** The sample's log group of a bus, by the bus's physical name. */
export const eventSampleLogGroup = (busName: string) => `${EVENT_SAMPLE_LOG_GROUP_HEAD}${busName}`;

/** Every event has a text `source`, and every text starts with "": the pattern matches all events. */
export const CATCH_ALL_PATTERN = { source: [{ prefix: "" }] } as const;

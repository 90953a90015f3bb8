/** True when a write lost its condition (uniqueness, version or If-Match check). */
export function isConditionFailure(err: unknown): boolean {
  return err instanceof Error && err.name === "ConditionalCheckFailedException";
}

/** An error as the reason a stack event or status gives. */
export function reasonOf(err: unknown): string {
  if (err instanceof Error) {
    // AWS service errors carry their name (ResourceNotFoundException: ...); our own do not.
    const plain = ["Error", "TemplateError", "ExportTakenError"];
    return err.name && !plain.includes(err.name) ? `${err.name}: ${err.message}` : err.message;
  }
  return String(err);
}

/**
 * Types the local engine records without side effects: user code does not run inside the control
 * plane, so functions, roles, queues, ... are kept with the identifiers AWS would give them.
 */
import { arn, generatedName, type HandlerContext, type ResourceHandler, str } from "./handler.js";

/** A type recorded without side effects: its name, what Ref returns and its attributes. */
interface RecordSpec {
  nameProperty?: string;
  /** Other properties whose change replaces the resource (create-only in the registry schema). */
  replaceOn?: readonly string[];
  maxName?: number;
  identify(
    name: string,
    ctx: HandlerContext,
    props: Record<string, unknown>,
  ): { ref: string; attributes: Record<string, string> };
}

/** The physical ID of a recorded resource is its name; updates keep it, so ARNs stay stable. */
export function recorded(spec: RecordSpec): ResourceHandler {
  return {
    replaceOn: [...(spec.nameProperty ? [spec.nameProperty] : []), ...(spec.replaceOn ?? [])],
    async create(props, ctx) {
      const given = spec.nameProperty ? str(props[spec.nameProperty]) : undefined;
      const name = given ?? generatedName(ctx, spec.maxName ?? 64);
      return { physicalId: name, ...spec.identify(name, ctx, props) };
    },
    async update(previous, props, ctx) {
      return { physicalId: previous.physicalId, ...spec.identify(previous.physicalId, ctx, props) };
    },
    async delete() {},
  };
}

/** Any other type is recorded under a generated name with an ARN shaped from its type. */
export function recordedByType(type: string): ResourceHandler {
  const [, service = "local", kind = "resource"] = type.split("::");
  return recorded({
    identify: (name, ctx) => {
      const resourceArn = arn(ctx, service.toLowerCase(), `${kind.toLowerCase()}/${name}`);
      return { ref: name, attributes: { Arn: resourceArn } };
    },
  });
}

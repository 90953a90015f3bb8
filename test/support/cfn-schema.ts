/**
 * Checks a CloudFormation template against the CloudFormation registry schema as shipped in
 * `@aws-cdk/aws-service-spec`: resource types exist, property names exist, required properties
 * are present, primitive types and allowed values hold, Ref/GetAtt/Sub targets and attributes
 * exist, DependsOn targets exist, `UpdatePolicy` is one CloudFormation knows (with its required
 * keys and intrinsics checked like properties'), and the template limits (500 resources, 200 outputs, 51,200-byte
 * inline body) hold. Returns one message per problem; empty means valid.
 */
import { loadAwsServiceSpecSync } from "@aws-cdk/aws-service-spec";

type SpecDb = ReturnType<typeof loadAwsServiceSpecSync>;
type SpecType = any;
interface SpecProperty {
  type: SpecType;
  required?: boolean;
}

let db: SpecDb | undefined;
const spec = () => {
  db ??= loadAwsServiceSpecSync();
  return db;
};

export const LIMITS = { resources: 500, outputs: 200, inlineBodyBytes: 51_200 } as const;

interface Template {
  Parameters?: Record<string, unknown>;
  Resources?: Record<
    string,
    {
      Type?: string;
      Properties?: Record<string, unknown>;
      DependsOn?: string | string[];
      UpdatePolicy?: Record<string, unknown>;
    }
  >;
  Outputs?: Record<string, { Value?: unknown }>;
}

export function validateTemplateAgainstRegistry(input: unknown): string[] {
  const template = input as Template;
  const errors: string[] = [];
  const resources = template.Resources ?? {};
  const parameters = template.Parameters ?? {};

  const count = Object.keys(resources).length;
  if (count === 0) errors.push("Resources: a template needs at least one resource.");
  if (count > LIMITS.resources)
    errors.push(`Resources: ${count} resources; the limit is ${LIMITS.resources}.`);
  const outputs = Object.keys(template.Outputs ?? {}).length;
  if (outputs > LIMITS.outputs) errors.push(`Outputs: ${outputs} outputs; the limit is ${LIMITS.outputs}.`);
  const bytes = Buffer.byteLength(JSON.stringify(template), "utf8");
  if (bytes > LIMITS.inlineBodyBytes)
    errors.push(`Template body: ${bytes} bytes; the inline limit is ${LIMITS.inlineBodyBytes}.`);

  const typeOf = new Map<string, string>();
  for (const [id, r] of Object.entries(resources)) if (r.Type) typeOf.set(id, r.Type);

  const checkIntrinsics = (value: unknown, where: string) =>
    walkIntrinsics(value, where, (kind, target, attribute, at) => {
      if (kind === "Ref") {
        if (target.startsWith("AWS::")) {
          if (!PSEUDO_PARAMETERS.has(target)) errors.push(`${at}: unknown pseudo parameter ${target}.`);
        } else if (!typeOf.has(target) && !(target in parameters)) {
          errors.push(`${at}: Ref to ${target}, which is neither a resource nor a parameter.`);
        }
        return;
      }
      const type = typeOf.get(target);
      if (!type) {
        errors.push(`${at}: GetAtt of ${target}, which is not a resource.`);
        return;
      }
      const resource = lookupResource(type);
      if (resource && attribute !== undefined && !(attribute in (resource.attributes ?? {}))) {
        errors.push(
          `${at}: ${type} has no attribute ${attribute} (valid: ${Object.keys(resource.attributes ?? {}).join(", ")}).`,
        );
      }
    });

  for (const [id, r] of Object.entries(resources)) {
    const where = `Resources.${id}`;
    if (!/^[A-Za-z0-9]{1,255}$/.test(id))
      errors.push(`${where}: logical IDs are alphanumeric, at most 255 characters.`);
    for (const dep of [r.DependsOn ?? []].flat()) {
      if (!typeOf.has(dep)) errors.push(`${where}.DependsOn: ${dep} is not a resource.`);
    }
    checkIntrinsics(r.Properties, `${where}.Properties`);
    checkIntrinsics(r.UpdatePolicy, `${where}.UpdatePolicy`);
    if (r.UpdatePolicy !== undefined)
      checkUpdatePolicy(r.Type, r.UpdatePolicy, `${where}.UpdatePolicy`, errors);
    if (!r.Type) {
      errors.push(`${where}: missing Type.`);
      continue;
    }
    if (r.Type.startsWith("Custom::")) continue;
    const resource = lookupResource(r.Type);
    if (!resource) {
      errors.push(`${where}: unknown resource type ${r.Type}.`);
      continue;
    }
    checkObject(
      r.Properties ?? {},
      resource.properties as Record<string, SpecProperty>,
      `${where}.Properties`,
      errors,
    );
  }
  for (const [id, o] of Object.entries(template.Outputs ?? {})) {
    if (o.Value === undefined) errors.push(`Outputs.${id}: missing Value.`);
    checkIntrinsics(o.Value, `Outputs.${id}.Value`);
  }
  return errors;
}

/**
 * The update policies CloudFormation documents (UpdatePolicy attribute), by the types that take them,
 * with their keys (true: required). The registry schema has none of this.
 */
const UPDATE_POLICIES: Readonly<Record<string, { types: readonly string[]; keys: Record<string, boolean> }>> =
  {
    CodeDeployLambdaAliasUpdate: {
      types: ["AWS::Lambda::Alias"],
      keys: {
        ApplicationName: true,
        DeploymentGroupName: true,
        BeforeAllowTrafficHook: false,
        AfterAllowTrafficHook: false,
      },
    },
  };

function checkUpdatePolicy(
  type: string | undefined,
  policy: Record<string, unknown>,
  where: string,
  errors: string[],
) {
  for (const [name, value] of Object.entries(policy)) {
    const known = UPDATE_POLICIES[name];
    if (!known || !type || !known.types.includes(type)) {
      errors.push(`${where}: ${type} takes no update policy ${name}.`);
      continue;
    }
    const given = (value ?? {}) as Record<string, unknown>;
    for (const [key, required] of Object.entries(known.keys))
      if (required && given[key] === undefined) errors.push(`${where}.${name}: required ${key} is missing.`);
    for (const key of Object.keys(given))
      if (!(key in known.keys)) errors.push(`${where}.${name}: unknown key ${key}.`);
  }
}

const PSEUDO_PARAMETERS = new Set([
  "AWS::AccountId",
  "AWS::NotificationARNs",
  "AWS::NoValue",
  "AWS::Partition",
  "AWS::Region",
  "AWS::StackId",
  "AWS::StackName",
  "AWS::URLSuffix",
]);

const resourceCache = new Map<string, ReturnType<SpecDb["get"]> | undefined>();
function lookupResource(type: string): any {
  if (!resourceCache.has(type)) {
    const found = spec().lookup("resource", "cloudFormationType", "equals", type);
    resourceCache.set(type, found.length > 0 ? (found[0] as never) : undefined);
  }
  return resourceCache.get(type);
}

function checkObject(
  value: Record<string, unknown>,
  shape: Record<string, SpecProperty>,
  where: string,
  errors: string[],
): void {
  for (const [name, prop] of Object.entries(shape)) {
    if (prop.required && value[name] === undefined)
      errors.push(`${where}: required property ${name} is missing.`);
  }
  for (const [name, v] of Object.entries(value)) {
    const prop = shape[name];
    if (!prop) {
      errors.push(`${where}: unknown property ${name} (valid: ${Object.keys(shape).join(", ")}).`);
      continue;
    }
    checkValue(v, prop.type, `${where}.${name}`, errors);
  }
}

function checkValue(value: unknown, type: SpecType, where: string, errors: string[]): void {
  if (isIntrinsicObject(value)) return;
  switch (type.type) {
    case "string":
    case "date-time":
      if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
        errors.push(`${where}: expected a string, got ${describe(value)}.`);
      } else if (type.allowedValues && !type.allowedValues.includes(String(value))) {
        errors.push(`${where}: "${value}" is not one of ${type.allowedValues.join(", ")}.`);
      }
      return;
    case "integer":
    case "number":
      if (
        typeof value === "number"
          ? type.type === "integer" && !Number.isInteger(value)
          : !(typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value))
      ) {
        errors.push(
          `${where}: expected ${type.type === "integer" ? "an integer" : "a number"}, got ${describe(value)}.`,
        );
      }
      return;
    case "boolean":
      if (typeof value !== "boolean" && value !== "true" && value !== "false")
        errors.push(`${where}: expected a boolean, got ${describe(value)}.`);
      return;
    case "json":
      if (typeof value !== "object" && typeof value !== "string")
        errors.push(`${where}: expected JSON (object or string), got ${describe(value)}.`);
      return;
    case "null":
      return;
    case "tag":
      if (!isPlain(value) || value.Key === undefined || value.Value === undefined)
        errors.push(`${where}: expected a tag {Key, Value}.`);
      return;
    case "array":
      if (!Array.isArray(value)) errors.push(`${where}: expected a list, got ${describe(value)}.`);
      else for (const [i, v] of value.entries()) checkValue(v, type.element, `${where}[${i}]`, errors);
      return;
    case "map":
      if (!isPlain(value)) errors.push(`${where}: expected a map, got ${describe(value)}.`);
      else for (const [k, v] of Object.entries(value)) checkValue(v, type.element, `${where}.${k}`, errors);
      return;
    case "ref": {
      const definition = spec().get("typeDefinition", type.reference.$ref) as any;
      if (!isPlain(value))
        errors.push(`${where}: expected an object (${definition.name}), got ${describe(value)}.`);
      else checkObject(value, definition.properties, where, errors);
      return;
    }
    case "union": {
      const attempts = (type.types as SpecType[]).map((t) => {
        const found: string[] = [];
        checkValue(value, t, where, found);
        return found;
      });
      if (!attempts.some((a) => a.length === 0))
        errors.push(...attempts.sort((a, b) => a.length - b.length)[0]!);
      return;
    }
    default:
      return;
  }
}

type IntrinsicVisitor = (
  kind: "Ref" | "GetAtt",
  target: string,
  attribute: string | undefined,
  where: string,
) => void;

/** Visits every Ref, Fn::GetAtt and `${...}` reference of Fn::Sub inside a value. */
function walkIntrinsics(value: unknown, where: string, visit: IntrinsicVisitor): void {
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) walkIntrinsics(v, `${where}[${i}]`, visit);
    return;
  }
  if (!isPlain(value)) return;
  if (typeof value.Ref === "string" && Object.keys(value).length === 1)
    visit("Ref", value.Ref, undefined, where);
  const getAtt = value["Fn::GetAtt"];
  if (getAtt !== undefined) {
    const [target, attribute] =
      typeof getAtt === "string" ? splitOnce(getAtt, ".") : (getAtt as [string, string]);
    visit("GetAtt", target, typeof attribute === "string" ? attribute : undefined, where);
  }
  const fnSub = value["Fn::Sub"];
  if (fnSub !== undefined) {
    const [text, variables] =
      typeof fnSub === "string" ? [fnSub, {}] : (fnSub as [string, Record<string, unknown>]);
    for (const m of text.matchAll(/\$\{([^!}][^}]*)\}/g)) {
      const name = m[1]!.trim();
      if (name in variables) continue;
      if (name.includes(".") && !name.startsWith("AWS::")) {
        const [target, attribute] = splitOnce(name, ".");
        visit("GetAtt", target, attribute, `${where}.Fn::Sub`);
      } else visit("Ref", name, undefined, `${where}.Fn::Sub`);
    }
    walkIntrinsics(variables, `${where}.Fn::Sub`, visit);
  }
  for (const [k, v] of Object.entries(value)) {
    if (k !== "Fn::Sub" && k !== "Fn::GetAtt") walkIntrinsics(v, `${where}.${k}`, visit);
  }
}

const splitOnce = (s: string, sep: string): [string, string] => {
  const i = s.indexOf(sep);
  return [s.slice(0, i), s.slice(i + 1)];
};
const isPlain = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const isIntrinsicObject = (v: unknown) =>
  isPlain(v) && Object.keys(v).length === 1 && /^(Ref|Fn::|Condition$)/.test(Object.keys(v)[0]!);
const describe = (v: unknown) => (Array.isArray(v) ? "a list" : v === null ? "null" : typeof v);

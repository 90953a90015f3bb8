/**
 * CloudFront cache and origin request policies, as Stacktape makes them: a stack-wide default for
 * dynamic origins (APIs and functions: nothing cached unless the origin says so, everything
 * forwarded but `Host`), and a policy of the resource's own, named by a hash of its options, when
 * `cachingOptions` or `forwardingOptions` differ from that default.
 */
import { createHash } from "node:crypto";
import { z } from "@hono/zod-openapi";
import type { CompileContext } from "../../../compiler/context.js";
import { logicalId, pascalCase } from "../../../compiler/naming.js";
import { ref } from "../../../compiler/template.js";
import { strictObject } from "../../../config/schema/strict.js";

const names = z.array(z.string().min(1)).min(1);
/** `{ none: true }`, `{ whitelist: [...] }`, ...: exactly one behaviour (checked by `exactlyOne`). */
const behaviours = <S extends z.ZodRawShape>(shape: S) => strictObject(shape);

export const CachingOptionsSchema = strictObject({
  cacheMethods: z.array(z.enum(["GET", "HEAD", "OPTIONS"])).optional(),
  minTTL: z.number().int().min(0).optional(),
  maxTTL: z.number().int().min(0).optional(),
  defaultTTL: z.number().int().min(0).optional(),
  disableCompression: z.boolean().optional(),
  cacheKeyParameters: strictObject({
    cookies: behaviours({
      none: z.boolean().optional(),
      whitelist: names.optional(),
      allExcept: names.optional(),
      all: z.boolean().optional(),
    }).optional(),
    headers: behaviours({ none: z.boolean().optional(), whitelist: names.optional() }).optional(),
    queryString: behaviours({
      all: z.boolean().optional(),
      none: z.boolean().optional(),
      whitelist: names.optional(),
    }).optional(),
  }).optional(),
  cachePolicyId: z.string().min(1).optional(),
});

export const ForwardingOptionsSchema = strictObject({
  customRequestHeaders: z
    .array(strictObject({ headerName: z.string().min(1), value: z.string() }))
    .max(10)
    .optional(),
  allowedMethods: z.array(z.enum(["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"])).optional(),
  cookies: behaviours({
    none: z.boolean().optional(),
    whitelist: names.optional(),
    all: z.boolean().optional(),
  }).optional(),
  headers: behaviours({
    none: z.boolean().optional(),
    whitelist: names.optional(),
    allViewer: z.boolean().optional(),
    allViewerAndWhitelistCloudFront: names.optional(),
    allExcept: names.optional(),
  }).optional(),
  queryString: behaviours({
    all: z.boolean().optional(),
    none: z.boolean().optional(),
    whitelist: names.optional(),
  }).optional(),
  originRequestPolicyId: z.string().min(1).optional(),
});

export type CachingOptions = z.infer<typeof CachingOptionsSchema>;
export type ForwardingOptions = z.infer<typeof ForwardingOptionsSchema>;

/** The one behaviour a `{ <behaviour>: value }` object sets, or a problem when it sets more or none. */
export function exactlyOne(options: object | undefined): string | undefined {
  if (options === undefined) return undefined;
  const keys = Object.keys(options);
  return keys.length === 1
    ? undefined
    : `Give exactly one of ${Object.keys(options).join(", ") || "its behaviours"}.`;
}

const DEFAULT_CACHE = {
  DefaultTTL: 0,
  MaxTTL: 31536000,
  MinTTL: 0,
  cookies: { CookieBehavior: "none" },
  headers: { HeaderBehavior: "whitelist", Headers: ["Authorization"] },
  queryStrings: { QueryStringBehavior: "all" },
};

const DEFAULT_FORWARDING = {
  cookies: { CookieBehavior: "all" },
  headers: { HeaderBehavior: "allExcept", Headers: ["host"] },
  queryStrings: { QueryStringBehavior: "all" },
};

const behaviourOf = (options: object | undefined) => Object.keys(options ?? {})[0];

/** Stacktape's short hash of options: names a policy after what it holds. */
const hashOf = (value: unknown) =>
  createHash("sha256")
    .update(JSON.stringify(value ?? {}))
    .digest("hex")
    .slice(0, 8);

/** The cache policy of a cache behaviour: the given ID, the resource's own, or the stack's default. */
export function cachePolicy(
  ctx: CompileContext,
  owner: string,
  options: CachingOptions | undefined,
): unknown {
  if (options?.cachePolicyId) return options.cachePolicyId;
  const key = options?.cacheKeyParameters;
  const custom =
    (key?.cookies && behaviourOf(key.cookies) !== DEFAULT_CACHE.cookies.CookieBehavior) ||
    (key?.headers && behaviourOf(key.headers) !== DEFAULT_CACHE.headers.HeaderBehavior) ||
    (key?.queryString && behaviourOf(key.queryString) !== DEFAULT_CACHE.queryStrings.QueryStringBehavior) ||
    (options?.defaultTTL !== undefined && options.defaultTTL !== DEFAULT_CACHE.DefaultTTL) ||
    (options?.maxTTL !== undefined && options.maxTTL !== DEFAULT_CACHE.MaxTTL) ||
    (options?.minTTL !== undefined && options.minTTL !== DEFAULT_CACHE.MinTTL) ||
    options?.disableCompression === true;
  if (!custom) {
    const id = logicalId("Stp", "AWS::CloudFront::CachePolicy", "CDNDefDynamic");
    if (!ctx.resources[id])
      ctx.add(owner, id, {
        Type: "AWS::CloudFront::CachePolicy",
        Properties: {
          CachePolicyConfig: {
            Name: pascalCase(`${ctx.stack}-DefDynamic-CachePolicy`),
            DefaultTTL: DEFAULT_CACHE.DefaultTTL,
            MaxTTL: DEFAULT_CACHE.MaxTTL,
            MinTTL: DEFAULT_CACHE.MinTTL,
            ParametersInCacheKeyAndForwardedToOrigin: {
              CookiesConfig: DEFAULT_CACHE.cookies,
              EnableAcceptEncodingGzip: true,
              EnableAcceptEncodingBrotli: true,
              HeadersConfig: DEFAULT_CACHE.headers,
              QueryStringsConfig: DEFAULT_CACHE.queryStrings,
            },
          },
        },
      });
    return ref(id);
  }
  const hash = hashOf(options);
  const id = logicalId(owner, "AWS::CloudFront::CachePolicy", `CDNCacheBehavior${hash}`);
  if (ctx.resources[id]) return ref(id);
  // Stacktape's TTL rules: an unset bound follows the set ones, within the default's.
  const defaultTTL =
    options?.defaultTTL ??
    Math.min(Math.max(DEFAULT_CACHE.DefaultTTL, options?.minTTL ?? 0), DEFAULT_CACHE.MaxTTL);
  const minTTL =
    options?.minTTL ??
    Math.min(...[DEFAULT_CACHE.MinTTL, options?.defaultTTL, options?.maxTTL].filter((v) => v !== undefined));
  const maxTTL =
    options?.maxTTL ??
    Math.max(...[DEFAULT_CACHE.MaxTTL, options?.minTTL, options?.defaultTTL].filter((v) => v !== undefined));
  ctx.add(owner, id, {
    Type: "AWS::CloudFront::CachePolicy",
    Properties: {
      CachePolicyConfig: {
        Name: pascalCase(`${ctx.stack}-${owner}CachePolicy${hash}`),
        DefaultTTL: defaultTTL,
        MaxTTL: maxTTL,
        MinTTL: minTTL,
        ParametersInCacheKeyAndForwardedToOrigin: {
          CookiesConfig: key?.cookies ? config("Cookie", "Cookies", key.cookies) : DEFAULT_CACHE.cookies,
          EnableAcceptEncodingGzip: !options?.disableCompression,
          EnableAcceptEncodingBrotli: !options?.disableCompression,
          HeadersConfig: key?.headers ? config("Header", "Headers", key.headers) : DEFAULT_CACHE.headers,
          QueryStringsConfig: key?.queryString
            ? config("QueryString", "QueryStrings", key.queryString)
            : DEFAULT_CACHE.queryStrings,
        },
      },
    },
  });
  return ref(id);
}

/** The origin request policy of a cache behaviour: the given ID, the resource's own, or the default. */
export function originRequestPolicy(
  ctx: CompileContext,
  owner: string,
  options: ForwardingOptions | undefined,
): unknown {
  if (options?.originRequestPolicyId) return options.originRequestPolicyId;
  const custom =
    (options?.cookies && behaviourOf(options.cookies) !== DEFAULT_FORWARDING.cookies.CookieBehavior) ||
    (options?.headers && behaviourOf(options.headers) !== DEFAULT_FORWARDING.headers.HeaderBehavior) ||
    (options?.queryString &&
      behaviourOf(options.queryString) !== DEFAULT_FORWARDING.queryStrings.QueryStringBehavior);
  if (!custom) {
    const id = logicalId("Stp", "AWS::CloudFront::OriginRequestPolicy", "CDNDefDynamic");
    if (!ctx.resources[id])
      ctx.add(owner, id, {
        Type: "AWS::CloudFront::OriginRequestPolicy",
        Properties: {
          OriginRequestPolicyConfig: {
            Name: pascalCase(`${ctx.stack}-DefDynamic-OriginRequestPolicy`),
            CookiesConfig: DEFAULT_FORWARDING.cookies,
            HeadersConfig: DEFAULT_FORWARDING.headers,
            QueryStringsConfig: DEFAULT_FORWARDING.queryStrings,
          },
        },
      });
    return ref(id);
  }
  const { allowedMethods: _m, customRequestHeaders: _h, ...hashed } = options ?? {};
  const hash = hashOf(hashed);
  const id = logicalId(owner, "AWS::CloudFront::OriginRequestPolicy", `CDNCacheBehavior${hash}`);
  if (ctx.resources[id]) return ref(id);
  ctx.add(owner, id, {
    Type: "AWS::CloudFront::OriginRequestPolicy",
    Properties: {
      OriginRequestPolicyConfig: {
        Name: pascalCase(`${ctx.stack}-${owner}OriginRequestPolicy${hash}`),
        CookiesConfig: options?.cookies
          ? config("Cookie", "Cookies", options.cookies)
          : DEFAULT_FORWARDING.cookies,
        HeadersConfig: options?.headers
          ? config("Header", "Headers", options.headers)
          : DEFAULT_FORWARDING.headers,
        QueryStringsConfig: options?.queryString
          ? config("QueryString", "QueryStrings", options.queryString)
          : DEFAULT_FORWARDING.queryStrings,
      },
    },
  });
  return ref(id);
}

/** `{ whitelist: [a] }` → `{ <Kind>Behavior: "whitelist", <Kind>s: [a] }`. */
function config(kind: string, list: string, options: object): Record<string, unknown> {
  const [behaviour, value] = Object.entries(options)[0] ?? ["none", true];
  return { [`${kind}Behavior`]: behaviour, ...(Array.isArray(value) ? { [list]: value } : {}) };
}

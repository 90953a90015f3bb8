/** CloudFront: recorded with the ids and domain AWS would give (nothing is served locally). */
import { createHash } from "node:crypto";
import type { ResourceHandler } from "./handler.js";
import { recorded } from "./recorded.js";

const hex = (name: string) => createHash("sha256").update(name).digest("hex");
/** A distribution's id: `E` and 13 upper-case characters. */
const distributionId = (name: string) => `E${hex(name).slice(0, 13).toUpperCase()}`;
/** A policy's id: a UUID. */
const policyId = (name: string) => {
  const h = hex(name);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

export const CLOUDFRONT_HANDLERS: Record<string, ResourceHandler> = {
  "AWS::CloudFront::Distribution": recorded({
    identify: (name) => {
      const id = distributionId(name);
      return { ref: id, attributes: { Id: id, DomainName: `d${hex(name).slice(0, 13)}.cloudfront.net` } };
    },
  }),
  "AWS::CloudFront::CachePolicy": recorded({
    identify: (name) => ({ ref: policyId(name), attributes: { Id: policyId(name) } }),
  }),
  "AWS::CloudFront::OriginRequestPolicy": recorded({
    identify: (name) => ({ ref: policyId(name), attributes: { Id: policyId(name) } }),
  }),
};

import { z } from "@hono/zod-openapi";
import { strictObject } from "../config/schema/strict.js";

/** Stacktape's `volumeMounts` of functions and containers: EFS filesystems named in the config. */
export const VolumeMountsSchema = z
  .array(
    strictObject({
      type: z.literal("efs"),
      properties: strictObject({
        efsFilesystemName: z.string(),
        rootDirectory: z.string().optional(),
        mountPath: z.string(),
      }),
    }),
  )
  .optional();

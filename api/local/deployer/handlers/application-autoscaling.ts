/** Application Auto Scaling: recorded generically (nothing scales locally). */
import type { ResourceHandler } from "./handler.js";
import { recordedByType } from "./recorded.js";

export const APPLICATION_AUTO_SCALING_HANDLERS: Record<string, ResourceHandler> = {
  "AWS::ApplicationAutoScaling::ScalableTarget": recordedByType(
    "AWS::ApplicationAutoScaling::ScalableTarget",
  ),
  "AWS::ApplicationAutoScaling::ScalingPolicy": recordedByType("AWS::ApplicationAutoScaling::ScalingPolicy"),
};

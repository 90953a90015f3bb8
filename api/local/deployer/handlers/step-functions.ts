/** Step Functions: recorded, as AWS would identify them. */
import { arn, type ResourceHandler } from "./handler.js";
import { recorded } from "./recorded.js";

export const STEP_FUNCTIONS_HANDLERS: Record<string, ResourceHandler> = {
  "AWS::StepFunctions::StateMachine": recorded({
    nameProperty: "StateMachineName",
    maxName: 80,
    identify: (name, ctx) => {
      const smArn = arn(ctx, "states", `stateMachine:${name}`);
      return { ref: smArn, attributes: { Arn: smArn, Name: name } };
    },
  }),
};

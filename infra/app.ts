/**
 * The CDK app (`npm run synth`): one stack, settings from context or environment (infra/settings.ts).
 * No `env`: the stack is environment-agnostic, so synth never looks anything up in AWS.
 */
import { App } from "aws-cdk-lib";
import { readSettings } from "./settings.js";
import { SwitchyardStack } from "./switchyard-stack.js";

const app = new App();
const settings = readSettings((key) => app.node.tryGetContext(key));
new SwitchyardStack(app, settings.stackName, {
  settings,
  description: "Switchyard: self-service event buses control plane",
  analyticsReporting: false,
});
app.synth();

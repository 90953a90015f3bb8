import { logicalId } from "../../compiler/naming.js";
import { getAtt } from "../../compiler/template.js";

export const topicId = (name: string) => logicalId(name, "AWS::SNS::Topic");
/** The ARN of a topic of the config. */
export const topicArn = (name: string) => getAtt(topicId(name), "TopicArn");

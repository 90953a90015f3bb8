import { logicalId } from "../../compiler/naming.js";

export const busId = (name: string) => logicalId(name, "AWS::Events::EventBus");
export const archiveId = (name: string) => logicalId(name, "AWS::Events::Archive");

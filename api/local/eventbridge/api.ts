import type {
  CancelReplayCommandInput,
  CancelReplayCommandOutput,
  CreateArchiveCommandInput,
  CreateArchiveCommandOutput,
  CreateEventBusCommandInput,
  CreateEventBusCommandOutput,
  DeleteArchiveCommandInput,
  DeleteEventBusCommandInput,
  DeleteRuleCommandInput,
  DescribeArchiveCommandInput,
  DescribeArchiveCommandOutput,
  DescribeEventBusCommandInput,
  DescribeEventBusCommandOutput,
  DescribeReplayCommandInput,
  DescribeReplayCommandOutput,
  DescribeRuleCommandInput,
  DescribeRuleCommandOutput,
  ListRulesCommandInput,
  ListRulesCommandOutput,
  ListTargetsByRuleCommandInput,
  ListTargetsByRuleCommandOutput,
  PutEventsCommandInput,
  PutEventsCommandOutput,
  PutRuleCommandInput,
  PutRuleCommandOutput,
  PutTargetsCommandInput,
  PutTargetsCommandOutput,
  RemoveTargetsCommandInput,
  RemoveTargetsCommandOutput,
  StartReplayCommandInput,
  StartReplayCommandOutput,
  TestEventPatternCommandInput,
  TestEventPatternCommandOutput,
  UpdateArchiveCommandInput,
  UpdateArchiveCommandOutput,
} from "@aws-sdk/client-eventbridge";

type Out<T> = Omit<T, "$metadata">;

/**
 * The subset of the EventBridge API the embedded engine implements, with the AWS SDK's own input
 * and output shapes. The local deployer (a small CloudFormation) calls it the way CloudFormation
 * calls EventBridge, and the local BusOps adapter calls it the way the AWS adapter calls the SDK:
 * one vocabulary for both worlds. Errors are thrown as `EventBridgeError` with AWS's error
 * names (ResourceNotFoundException, ResourceAlreadyExistsException, ValidationException,
 * InvalidEventPatternException, LimitExceededException, IllegalStatusException).
 */
export interface EventBridgeApi {
  createEventBus(input: CreateEventBusCommandInput): Promise<Out<CreateEventBusCommandOutput>>;
  describeEventBus(input: DescribeEventBusCommandInput): Promise<Out<DescribeEventBusCommandOutput>>;
  deleteEventBus(input: DeleteEventBusCommandInput): Promise<void>;

  putRule(input: PutRuleCommandInput): Promise<Out<PutRuleCommandOutput>>;
  describeRule(input: DescribeRuleCommandInput): Promise<Out<DescribeRuleCommandOutput>>;
  listRules(input: ListRulesCommandInput): Promise<Out<ListRulesCommandOutput>>;
  deleteRule(input: DeleteRuleCommandInput): Promise<void>;
  putTargets(input: PutTargetsCommandInput): Promise<Out<PutTargetsCommandOutput>>;
  removeTargets(input: RemoveTargetsCommandInput): Promise<Out<RemoveTargetsCommandOutput>>;
  listTargetsByRule(input: ListTargetsByRuleCommandInput): Promise<Out<ListTargetsByRuleCommandOutput>>;

  createArchive(input: CreateArchiveCommandInput): Promise<Out<CreateArchiveCommandOutput>>;
  updateArchive(input: UpdateArchiveCommandInput): Promise<Out<UpdateArchiveCommandOutput>>;
  describeArchive(input: DescribeArchiveCommandInput): Promise<Out<DescribeArchiveCommandOutput>>;
  deleteArchive(input: DeleteArchiveCommandInput): Promise<void>;

  putEvents(input: PutEventsCommandInput): Promise<Out<PutEventsCommandOutput>>;
  testEventPattern(input: TestEventPatternCommandInput): Promise<Out<TestEventPatternCommandOutput>>;

  startReplay(input: StartReplayCommandInput): Promise<Out<StartReplayCommandOutput>>;
  describeReplay(input: DescribeReplayCommandInput): Promise<Out<DescribeReplayCommandOutput>>;
  cancelReplay(input: CancelReplayCommandInput): Promise<Out<CancelReplayCommandOutput>>;
}

/** Local ARNs look like AWS's, in the local account. */
export const LOCAL_ACCOUNT_ID = "000000000000";
export const DEFAULT_LOCAL_REGION = "us-east-1";

import type { Target } from "@aws-sdk/client-eventbridge";
import { describe, expect, it } from "vitest";
import { envelopeText } from "../../../api/eventbridge/envelope.js";
import { EventBridgeError } from "../../../api/eventbridge/errors.js";
import { checkTargetInput, targetInput } from "../../../api/eventbridge/input.js";

// Facts recorded against AWS (conformance/eventbridge-patterns/test_events_inputs.snapshot.json).
const detail = {
  command: "update-account",
  payload: { acc_id: "0a787ecb-4015", sf_id: "baz" },
  listsingle: ["HIGH"],
  listmulti: ["ACTIVE", "INACTIVE"],
  valid: true,
};
const eventText = envelopeText({
  id: "6f0c1a5e-0000-4000-8000-000000000001",
  detailType: "core.update-account-command",
  source: "core.update-account-command",
  account: "111111111111",
  time: "2026-01-02T03:04:05Z",
  region: "us-east-1",
  resources: [],
  detail: JSON.stringify(detail),
});
const ctx = {
  eventText,
  ruleArn: "arn:aws:events:us-east-1:111111111111:rule/my-bus/my-rule",
  ruleName: "my-rule",
  ingestionTime: "2026-01-02T03:04:05.678Z",
};
const paths = {
  userId: "$.detail.payload.acc_id",
  payload: "$.detail.payload",
  listsingle: "$.detail.listsingle",
  listmulti: "$.detail.listmulti",
  systemstring: "$.detail.notinevent",
  valid: "$.detail.valid",
  "detail-type": "$.detail-type",
  timestamp: "$.time",
  command: "$.detail.command",
};
const transformed = (template: string, map: Record<string, string> = paths) =>
  targetInput(
    { Id: "t", Arn: "arn", InputTransformer: { InputPathsMap: map, InputTemplate: template } },
    ctx,
  );

describe("what a target receives", () => {
  it("is the whole event when the target shapes nothing", () => {
    expect(JSON.parse(targetInput({ Id: "t", Arn: "arn" }, ctx))).toEqual({
      version: "0",
      id: "6f0c1a5e-0000-4000-8000-000000000001",
      "detail-type": "core.update-account-command",
      source: "core.update-account-command",
      account: "111111111111",
      time: "2026-01-02T03:04:05Z",
      region: "us-east-1",
      resources: [],
      detail,
    });
  });

  it("is the constant Input text", () => {
    expect(targetInput({ Id: "t", Arn: "arn", Input: '{"fixed":1}' }, ctx)).toBe('{"fixed":1}');
  });

  it("follows InputPath to an object, a nested object or a single string", () => {
    expect(JSON.parse(targetInput({ Id: "t", Arn: "arn", InputPath: "$.detail" }, ctx))).toEqual(detail);
    expect(JSON.parse(targetInput({ Id: "t", Arn: "arn", InputPath: "$.detail.payload" }, ctx))).toEqual(
      detail.payload,
    );
    expect(targetInput({ Id: "t", Arn: "arn", InputPath: "$.detail.payload.sf_id" }, ctx)).toBe('"baz"');
  });
});

describe("InputTransformer", () => {
  it("fills a string template, leaving missing values empty", () => {
    const template =
      '"Event of <detail-type> type, at time <timestamp>, info extracted from detail <command>"';
    expect(transformed(template)).toBe(
      '"Event of core.update-account-command type, at time 2026-01-02T03:04:05Z, info extracted from detail update-account"',
    );
    expect(transformed(template, { ...paths, command: "$.detail.notinmessage" })).toBe(
      '"Event of core.update-account-command type, at time 2026-01-02T03:04:05Z, info extracted from detail "',
    );
  });

  it("fills a JSON template: quoted placeholders as text, bare ones as JSON", () => {
    expect(
      JSON.parse(
        transformed('{"detailType": "<detail-type>", "time": "<timestamp>", "command": "<command>"}'),
      ),
    ).toEqual({
      detailType: "core.update-account-command",
      time: "2026-01-02T03:04:05Z",
      command: "update-account",
    });
    expect(
      JSON.parse(transformed('{"method": "PUT", "path": "users-service/users/<userId>", "bod": <payload>}')),
    ).toEqual({
      method: "PUT",
      path: "users-service/users/0a787ecb-4015",
      bod: { acc_id: "0a787ecb-4015", sf_id: "baz" },
    });
    expect(JSON.parse(transformed('{"id" : <userId>}'))).toEqual({ id: "0a787ecb-4015" });
    expect(JSON.parse(transformed('{"id" : "<userId>"}'))).toEqual({ id: "0a787ecb-4015" });
    expect(JSON.parse(transformed('{"bod": [<userId>, "hardcoded"]}'))).toEqual({
      bod: ["0a787ecb-4015", "hardcoded"],
    });
    expect(JSON.parse(transformed('{"singlelistitem": <listsingle>}'))).toEqual({ singlelistitem: ["HIGH"] });
    expect(JSON.parse(transformed('{"multi_replacement": "users/<userId>/second/<userId>"}'))).toEqual({
      multi_replacement: "users/0a787ecb-4015/second/0a787ecb-4015",
    });
    expect(
      JSON.parse(
        transformed('{"nested": {"level1": {"level2": {"level3": "users-service/users/<userId>"} } }}'),
      ),
    ).toEqual({ nested: { level1: { level2: { level3: "users-service/users/0a787ecb-4015" } } } });
  });

  it("writes objects, lists and booleans inside strings the way EventBridge does", () => {
    expect(transformed('"Payload of <payload> with path users-service/users/<userId> and <userId>"')).toBe(
      '"Payload of {acc_id:0a787ecb-4015,sf_id:baz} with path users-service/users/0a787ecb-4015 and 0a787ecb-4015"',
    );
    expect(
      transformed(
        '"<listsingle> single list item"\n"<listmulti> multiple list items"\n"<systemstring> system account id"\n"<payload> payload"\n"<userId> user id"',
      ),
    ).toBe(
      '"[HIGH] single list item"\n"[ACTIVE,INACTIVE] multiple list items"\n" system account id"\n"{acc_id:0a787ecb-4015,sf_id:baz} payload"\n"0a787ecb-4015 user id"',
    );
    expect(transformed('"Command is <valid>!"')).toBe('"Command is true!"');
    expect(transformed('"{[/Check with special starting characters for event of <detail-type> type"')).toBe(
      '"{[/Check with special starting characters for event of core.update-account-command type"',
    );
  });

  it("offers the predefined aws.events variables", () => {
    expect(
      transformed(
        '"Message containing all pre defined variables <aws.events.rule-arn> <aws.events.rule-name> <aws.events.event.ingestion-time>"',
        {},
      ),
    ).toBe(
      '"Message containing all pre defined variables arn:aws:events:us-east-1:111111111111:rule/my-bus/my-rule my-rule 2026-01-02T03:04:05.678Z"',
    );
    const both = JSON.parse(
      transformed('{"originalEvent": <aws.events.event>, "originalEventJson": <aws.events.event.json>}', {}),
    );
    expect(both.originalEventJson).toEqual(JSON.parse(eventText));
    expect(both.originalEvent).toEqual({
      id: "6f0c1a5e-0000-4000-8000-000000000001",
      account: "111111111111",
      detailType: "core.update-account-command",
      time: "2026-01-02T03:04:05Z",
      source: "core.update-account-command",
      region: "us-east-1",
      resources: [],
      version: "0",
    });
  });
});

describe("numbers a double cannot hold", () => {
  const ID = "12345678901234567891";
  const AMOUNT = "0.1000000000000000055511151231257827";
  const bigDetail = `{"id":${ID},"amount":${AMOUNT},"line":{"qty":${ID},"tags":[${AMOUNT},"a"]}}`;
  const bigCtx = {
    ...ctx,
    eventText: envelopeText({
      id: "6f0c1a5e-0000-4000-8000-000000000002",
      detailType: "order",
      source: "shop",
      account: "111111111111",
      time: "2026-01-02T03:04:05Z",
      region: "us-east-1",
      resources: [],
      detail: bigDetail,
    }),
  };
  const shaped = (template: string, map: Record<string, string>) =>
    targetInput(
      { Id: "t", Arn: "arn", InputTransformer: { InputPathsMap: map, InputTemplate: template } },
      bigCtx,
    );

  it("reach the target through InputPath as written", () => {
    const at = (InputPath: string) => targetInput({ Id: "t", Arn: "arn", InputPath }, bigCtx);
    expect(at("$.detail.id")).toBe(ID);
    expect(at("$.detail.amount")).toBe(AMOUNT);
    expect(at("$.detail.line.tags[0]")).toBe(AMOUNT);
    expect(at("$.detail")).toBe(bigDetail);
  });

  it("reach the target through InputTransformer as written, inside strings and out", () => {
    const map = {
      id: "$.detail.id",
      amount: "$.detail.amount",
      line: "$.detail.line",
      tags: "$.detail.line.tags",
    };
    expect(shaped("<id>", map)).toBe(ID);
    expect(shaped('{"id": <id>, "amount": <amount>, "line": <line>}', map)).toBe(
      `{"id": ${ID}, "amount": ${AMOUNT}, "line": {"qty":${ID},"tags":[${AMOUNT},"a"]}}`,
    );
    expect(shaped('"<id> costs <amount>: <line> <tags>"', map)).toBe(
      `"${ID} costs ${AMOUNT}: {qty:${ID},tags:[${AMOUNT},a]} [${AMOUNT},a]"`,
    );
    const whole = shaped('{"event": <aws.events.event.json>}', {});
    expect(whole).toBe(`{"event": ${bigCtx.eventText}}`);
  });
});

describe("PutTargets checks on the input settings", () => {
  const rejects = (target: Target, message: string) => {
    let error: unknown;
    try {
      checkTargetInput(target);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(EventBridgeError);
    expect((error as EventBridgeError).name).toBe("ValidationException");
    expect((error as EventBridgeError).message).toBe(message);
  };

  it("rejects a placeholder the paths map does not define", () => {
    rejects(
      {
        Id: "t1",
        Arn: "a",
        InputTransformer: { InputPathsMap: { a: "$.detail" }, InputTemplate: '"<a> <notdefinedkey>"' },
      },
      "InputTemplate for target t1 contains invalid placeholder notdefinedkey.",
    );
  });

  it("rejects more than one of Input, InputPath and InputTransformer", () => {
    rejects(
      {
        Id: "t2",
        Arn: "a",
        InputPath: "$.detail",
        InputTransformer: { InputPathsMap: {}, InputTemplate: '"x"' },
      },
      "Only one of Input, InputPath, or InputTransformer must be provided for target t2.",
    );
  });

  it("accepts predefined variables and mapped placeholders", () => {
    expect(() =>
      checkTargetInput({
        Id: "t3",
        Arn: "a",
        InputTransformer: {
          InputPathsMap: { a: "$.detail" },
          InputTemplate: '{"x": <a>, "r": "<aws.events.rule-name>"}',
        },
      }),
    ).not.toThrow();
  });
});

import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { loadAdminKey } from "../../../api/entry/admin-key.js";

const SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:AdminKeyC19094DA-AbCdEf";

describe("loadAdminKey (Lambda cold start)", () => {
  const secrets = mockClient(SecretsManagerClient);
  afterEach(() => secrets.reset());
  // Test files share a worker's modules: the real client comes back for the next file.
  afterAll(() => secrets.restore());
  const client = () => new SecretsManagerClient({ region: "eu-west-1" });

  it("reads the key from the stack's secret, by the ARN in the environment", async () => {
    secrets.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({
      ARN: SECRET_ARN,
      Name: "AdminKeyC19094DA-x1y2z3",
      VersionId: "3b5c9c1e-2f0a-4d8e-9c1b-7a6f5e4d3c2b",
      SecretString: "q8ZkP0sW3nR7vT2yL5mB9cX4hJ6gF1dA0eU3iO8pK2rN7sQ5\n",
      VersionStages: ["AWSCURRENT"],
      CreatedDate: new Date("2026-11-26T10:00:00Z"),
    });
    const key = await loadAdminKey({ SWITCHYARD_ADMIN_KEY_SECRET_ARN: SECRET_ARN }, client());
    expect(key).toBe("q8ZkP0sW3nR7vT2yL5mB9cX4hJ6gF1dA0eU3iO8pK2rN7sQ5");
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it("prefers a key given directly in SWITCHYARD_ADMIN_KEY and then never calls Secrets Manager", async () => {
    const key = await loadAdminKey(
      { SWITCHYARD_ADMIN_KEY: "direct-key", SWITCHYARD_ADMIN_KEY_SECRET_ARN: SECRET_ARN },
      client(),
    );
    expect(key).toBe("direct-key");
    expect(secrets.calls()).toHaveLength(0);
  });

  it("has no admin key when neither is configured", async () => {
    expect(await loadAdminKey({}, client())).toBeUndefined();
    expect(secrets.calls()).toHaveLength(0);
  });

  it("refuses to start with a secret that has no string value", async () => {
    secrets.on(GetSecretValueCommand).resolves({
      ARN: SECRET_ARN,
      Name: "AdminKeyC19094DA-x1y2z3",
      SecretBinary: new Uint8Array([1, 2, 3]),
      VersionStages: ["AWSCURRENT"],
    });
    await expect(loadAdminKey({ SWITCHYARD_ADMIN_KEY_SECRET_ARN: SECRET_ARN }, client())).rejects.toThrow(
      /has no string value/,
    );
  });

  it("fails the cold start when the secret is missing, with AWS's error", async () => {
    secrets.on(GetSecretValueCommand).rejects(
      new ResourceNotFoundException({
        $metadata: { httpStatusCode: 400 },
        message: "Secrets Manager can't find the specified secret.",
      }),
    );
    await expect(loadAdminKey({ SWITCHYARD_ADMIN_KEY_SECRET_ARN: SECRET_ARN }, client())).rejects.toThrow(
      "Secrets Manager can't find the specified secret.",
    );
  });
});

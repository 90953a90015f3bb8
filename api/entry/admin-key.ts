/**
 * The bootstrap platform-admin key on Lambda: read once per cold start from the Secrets Manager
 * secret the stack creates (infra/), or taken from `SWITCHYARD_ADMIN_KEY` when set directly.
 */
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";

export async function loadAdminKey(
  env: Record<string, string | undefined>,
  client?: SecretsManagerClient,
): Promise<string | undefined> {
  if (env.SWITCHYARD_ADMIN_KEY) return env.SWITCHYARD_ADMIN_KEY;
  const secretId = env.SWITCHYARD_ADMIN_KEY_SECRET_ARN;
  if (!secretId) return undefined;
  // Imported only when there is a secret to read (the SDK is not parsed by cold starts without one);
  // a one-shot client unless the caller brings one: it is not needed after init.
  const { GetSecretValueCommand, SecretsManagerClient } = await import("@aws-sdk/client-secrets-manager");
  const secrets = client ?? new SecretsManagerClient({ region: env.AWS_REGION });
  try {
    const out = await secrets.send(new GetSecretValueCommand({ SecretId: secretId }));
    const key = out.SecretString?.trim();
    // An empty or binary secret would silently leave the platform without an admin: refuse to start.
    if (!key) throw new Error(`secret ${secretId} has no string value`);
    return key;
  } finally {
    if (!client) secrets.destroy();
  }
}

/**
 * Key layout of the one table. Every item carries `type` (what it is) besides its keys.
 *
 *   item                 PK                       SK                      GSI1PK / GSI1SK            GSI2PK / GSI2SK
 *   team                 TEAM#<team>              TEAM                    TEAMS / <team>
 *   namespace claim      NAMESPACE#<id>           NAMESPACE               team (api/teams/namespace.ts)
 *   allowed resources    TEAM#<team>              ALLOWED_RESOURCES       (owned by api/store/allowed-resources.ts)
 *   team domain          DOMAINS                  <labels reversed>.      (owned by api/store/team-domains.ts)
 *   global alarms        TEAM#<team>              GLOBAL_ALARMS           (owned by api/store/global-alarms.ts)
 *   audit entry          AUDIT#<team>             <ULID>                  (owned by api/store/audit.ts)
 *   bus share            BUSSHARE#<bus arn>       TO#<team>, BUS          (owned by api/store/bus-shares.ts)
 *   revoked bus share    TEAM#<team>              SHARE_REVOKED#<arn>     (owned by api/store/bus-shares.ts)
 *   API key (listing)    TEAM#<team>              APIKEY#<keyId>
 *   replay slot          TEAM#<team>              REPLAYSLOT#<n>          (owned by api/store/replay-slots.ts)
 *   API key (auth)       APIKEY#<sha256 hex>      APIKEY
 *   bootstrap marker     SYSTEM                   BOOTSTRAP_ADMIN
 *   project              PROJECT#<project key>    PROJECT                 TEAM#<team>#PROJECTS / <p>  PROJECTS / <project>
 *   config version       PROJECT#<project>        CONFIG#<10-digit n>
 *   stage (deployments)  PROJECT#<project>        STAGE#<stage>           (owned by api/store/stages.ts)
 *   replay (history)     PROJECT#<project>        REPLAY#<stage>#<bus>#<ULID>  (owned by api/store/replays.ts)
 *   idempotency record   IDEMPOTENCY#<keyId>#<k>  IDEMPOTENCY             expiresAt (TTL, clean-up only)
 *   network settings     SETTINGS                 NETWORK                 (owned by api/store/settings.ts)
 *   stack name claim     STACK#<stack name>       CLAIM                   (owned by api/store/stack-claims.ts)
 *
 * A project key is `<team>/<project>` (names are unique per team); projects created while names
 * were unique across the control plane keep their bare name as key. Every module takes the key.
 * Project-scoped items of other modules live under PROJECT#<project key> too, so deleting a project
 * is one Query over its partition. Stage items must carry `deployed: true` while a stack exists:
 * project deletion refuses (409) while any does.
 */
export const keys = {
  team: (team: string) => ({ PK: `TEAM#${team}`, SK: "TEAM" }),
  teamsIndex: "TEAMS",
  namespace: (id: string) => ({ PK: `NAMESPACE#${id}`, SK: "NAMESPACE" }),
  apiKeyListing: (team: string, keyId: string) => ({ PK: `TEAM#${team}`, SK: `APIKEY#${keyId}` }),
  apiKeyListingPrefix: "APIKEY#",
  apiKeyAuth: (hash: string) => ({ PK: `APIKEY#${hash}`, SK: "APIKEY" }),
  bootstrapAdmin: { PK: "SYSTEM", SK: "BOOTSTRAP_ADMIN" },
  projectPartition: (project: string) => `PROJECT#${project}`,
  project: (project: string) => ({ PK: `PROJECT#${project}`, SK: "PROJECT" }),
  teamProjectsIndex: (team: string) => `TEAM#${team}#PROJECTS`,
  allProjectsIndex: "PROJECTS",
  config: (project: string, version: number) => ({
    PK: `PROJECT#${project}`,
    SK: `${CONFIG_PREFIX}${String(version).padStart(10, "0")}`,
  }),
  configPrefix: "CONFIG#",
  stagePrefix: "STAGE#",
  idempotency: (scope: string, key: string) => ({ PK: `IDEMPOTENCY#${scope}#${key}`, SK: "IDEMPOTENCY" }),
} as const;

const CONFIG_PREFIX = "CONFIG#";

/** The highest config version: the store's sort key holds ten digits. */
export const MAX_CONFIG_VERSION = 9_999_999_999;

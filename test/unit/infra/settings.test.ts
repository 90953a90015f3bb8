import { describe, expect, it } from "vitest";
import { envName, readSettings } from "../../../infra/settings.js";

const fromContext = (values: Record<string, unknown>) => (key: string) => values[key];

describe("deployment settings", () => {
  it("default to a usable stack: no CORS, 30-day logs, the sy- prefix", () => {
    expect(readSettings(fromContext({}), {})).toEqual({
      stackName: "Switchyard",
      stackPrefix: "sy-",
      portalOrigins: [],
      logRetentionDays: 30,
      artifactBuckets: [],
      enforceWorkloadBoundary: true,
      apiRateLimit: 50,
      apiBurstLimit: 100,
    });
  });

  it("read CDK context first, then SWITCHYARD_* environment variables", () => {
    const settings = readSettings(
      fromContext({ portalOrigins: "https://portal.example.com", logRetentionDays: 90 }),
      {
        [envName("portalOrigins")]: "https://ignored.example.com",
        [envName("alarmEmail")]: "oncall@example.com",
        SWITCHYARD_LOG_RETENTION_DAYS: "7",
      },
    );
    expect(settings.portalOrigins).toEqual(["https://portal.example.com"]);
    expect(settings.logRetentionDays).toBe(90);
    expect(settings.alarmEmail).toBe("oncall@example.com");
    expect(envName("apiBurstLimit")).toBe("SWITCHYARD_API_BURST_LIMIT");
  });

  it("read booleans from context strings (-c enforceWorkloadBoundary=false)", () => {
    expect(readSettings(fromContext({ enforceWorkloadBoundary: "false" }), {}).enforceWorkloadBoundary).toBe(
      false,
    );
    expect(
      readSettings(fromContext({}), { SWITCHYARD_ENFORCE_WORKLOAD_BOUNDARY: "false" })
        .enforceWorkloadBoundary,
    ).toBe(false);
    expect(() => readSettings(fromContext({ enforceWorkloadBoundary: "no" }), {})).toThrow(
      /enforceWorkloadBoundary/,
    );
  });

  it("accept comma-separated lists and arrays alike", () => {
    const origins = ["https://a.example.com", "http://localhost:5173"];
    expect(readSettings(fromContext({ portalOrigins: origins.join(" , ") }), {}).portalOrigins).toEqual(
      origins,
    );
    expect(readSettings(fromContext({ portalOrigins: origins }), {}).portalOrigins).toEqual(origins);
  });

  it("reject what AWS would reject later, naming every bad setting at once", () => {
    expect(() =>
      readSettings(
        fromContext({
          portalOrigins: "https://portal.example.com/app",
          logRetentionDays: "10",
          stackPrefix: "Switchyard",
          alarmEmail: "not-an-address",
        }),
        {},
      ),
    ).toThrow(/portalOrigins\.0: an origin only[\s\S]*logRetentionDays: one of 1, 3, 5, 7[\s\S]*alarmEmail/);
    expect(() => readSettings(fromContext({ stackPrefix: "Switchyard" }), {})).toThrow(
      /stackPrefix: lowercase/,
    );
  });
});

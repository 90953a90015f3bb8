import { describe, expect, it } from "vitest";
import { createLogger, logLevelFrom } from "../../../api/http/logger.js";

/** Which of one debug, info, warn and error record a logger built from `LOG_LEVEL=value` writes. */
function levelsWritten(value: string | undefined): string[] {
  const lines: string[] = [];
  const log = createLogger({ level: logLevelFrom(value), write: (line) => lines.push(line) });
  log.debug("d");
  log.info("i");
  log.warn("w");
  log.error("e");
  return lines.map((line) => (JSON.parse(line) as { level: string }).level);
}

describe("LOG_LEVEL", () => {
  it("takes the documented levels in any case", () => {
    expect(levelsWritten("debug")).toEqual(["debug", "info", "warn", "error"]);
    expect(levelsWritten("WARN")).toEqual(["warn", "error"]);
    expect(levelsWritten(" error ")).toEqual(["error"]);
  });

  it("unset, empty or unknown means info, never debug", () => {
    for (const value of [undefined, "", "verbose", "trace", "toString"]) {
      expect(levelsWritten(value)).toEqual(["info", "warn", "error"]);
    }
  });
});

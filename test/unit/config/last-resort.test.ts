/**
 * The limits keep loading and compiling bounded, so no input through the API reaches the engine's
 * limits; should one still exhaust the stack or an allocation (a RangeError), the caller gets a
 * config problem in Switchyard's words, never the engine's message or a 500. Other errors are bugs
 * and stay errors.
 */
import { describe, expect, it } from "vitest";
import { ConfigValidationError, compile } from "../../../api/compiler/index.js";
import { loadConfig } from "../../../api/config/index.js";

/** A config whose `resources` throws `error` when read: how a RangeError deep inside looks from outside. */
const throwingConfig = (error: Error) => {
  const config = { variables: {} } as Record<string, unknown>;
  Object.defineProperty(config, "resources", {
    enumerable: true,
    get() {
      throw error;
    },
  });
  return config;
};

const TOO_COMPLEX = "The config is too large or too deeply nested to process; see the limits in SECURITY.md.";

describe("the last resort for engine limits", () => {
  it("loading answers a RangeError as a config problem without the engine's message", () => {
    expect(loadConfig(throwingConfig(new RangeError("Maximum call stack size exceeded")))).toEqual({
      ok: false,
      errors: [{ path: "(root)", message: TOO_COMPLEX }],
    });
  });

  it("compiling does the same", () => {
    let thrown: unknown;
    try {
      compile(throwingConfig(new RangeError("Invalid array length")) as never, { project: "p", stage: "s" });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ConfigValidationError);
    expect((thrown as ConfigValidationError).errors).toEqual([{ path: "(root)", message: TOO_COMPLEX }]);
  });

  it("leaves other errors alone: they are bugs, answered as 500 and logged", () => {
    expect(() => loadConfig(throwingConfig(new TypeError("boom")))).toThrow(TypeError);
  });
});

import { describe, expect, it } from "vitest";
import { onFirstCall } from "../../../api/entry/lazy-port.js";

interface Greeter {
  readonly kind: "aws" | "local";
  greet(name: string): Promise<string>;
}

class RealGreeter implements Greeter {
  readonly kind = "aws" as const;
  constructor(private readonly greeting: string) {}
  async greet(name: string): Promise<string> {
    return `${this.greeting}, ${name}`;
  }
}

describe("a port built on its first call", () => {
  it("builds nothing until a method is called, then builds once for every caller", async () => {
    let builds = 0;
    const port = onFirstCall<Greeter>(
      async () => {
        builds++;
        return new RealGreeter("hello");
      },
      { kind: "aws" },
    );
    expect(port.kind).toBe("aws");
    // Awaiting the port itself (it is not a promise) must not build it either.
    expect(await port).toBe(port);
    expect(builds).toBe(0);
    const answers = await Promise.all([port.greet("ada"), port.greet("alan")]);
    expect(answers).toEqual(["hello, ada", "hello, alan"]);
    expect(await port.greet("grace")).toBe("hello, grace");
    expect(builds).toBe(1);
  });

  it("passes a failed build to the caller and tries again on the next call", async () => {
    let attempts = 0;
    const port = onFirstCall<Greeter>(async () => {
      attempts++;
      if (attempts === 1) throw new Error("no region configured");
      return new RealGreeter("hi");
    });
    await expect(port.greet("ada")).rejects.toThrow("no region configured");
    expect(await port.greet("ada")).toBe("hi, ada");
    expect(attempts).toBe(2);
  });

  it("refuses a member the adapter does not have, by name", async () => {
    const port = onFirstCall<Greeter & { wave(): Promise<void> }>(async () => new RealGreeter("hi") as never);
    await expect(port.wave()).rejects.toThrow("wave is not a method of the port");
  });
});

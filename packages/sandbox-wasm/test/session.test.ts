import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryWorkspace, createWasmSandbox, type SecurityEvent, type WasmSandbox } from "../src/index.js";

const events: SecurityEvent[] = [];
let sandbox: WasmSandbox;
beforeAll(async () => {
  sandbox = await createWasmSandbox({ onSecurityEvent: (e) => events.push(e) });
});
afterAll(() => sandbox.dispose());

describe("workspace and sessions", () => {
  it("programs read and write files under ./workspace, persisted across executions of one session", async () => {
    const session = sandbox.createSession();
    const first = await sandbox.execute(
      "await fs.writeFile('./workspace/notes/today.md', '# hi'); await fs.writeFile('./workspace/count.txt', '1'); return await fs.readdir('./workspace');",
      undefined,
      { session },
    );
    expect(first.errors).toEqual([]);
    expect(first.output).toEqual(["count.txt", "notes/"]);
    const second = await sandbox.execute(
      "const n = Number(await fs.readFile('./workspace/count.txt', 'utf8')); await fs.writeFile('./workspace/count.txt', String(n + 1)); return [await fs.readFile('./workspace/notes/today.md'), n + 1, await fs.exists('./workspace/nope')];",
      undefined,
      { session },
    );
    expect(second.output).toEqual(["# hi", 2, false]);
    expect(await session.workspace.readFile("count.txt")).toBe("2");
  });

  it("imports ./skills/*.ts saved by an earlier execution of the same session", async () => {
    const session = sandbox.createSession();
    const save = await sandbox.execute(
      `await fs.writeFile('./workspace/skills/stats.ts', 'import { scale } from "./scale.ts";\\nexport function mean(xs: number[]): number { return scale(xs.reduce((a, b) => a + b, 0), 1 / xs.length); }');
       await fs.writeFile('./workspace/skills/scale.ts', 'export const scale = (n: number, f: number): number => n * f;');
       return 'saved';`,
      undefined,
      { session },
    );
    expect(save.output).toBe("saved");
    const use = await sandbox.execute(
      "import { mean } from './skills/stats.ts';\nexport default mean(input as number[]);",
      [1, 2, 3, 6],
      { session },
    );
    expect(use.errors).toEqual([]);
    expect(use.output).toBe(3);
    const dynamic = await sandbox.execute(
      "const { mean } = await import('./skills/stats.ts'); return mean([2, 4]);",
      undefined,
      {
        session,
      },
    );
    expect(dynamic.output).toBe(3);
  });

  it("another session, or no session, does not see the files", async () => {
    const a = sandbox.createSession();
    await sandbox.execute("await fs.writeFile('secret.txt', 'a-only'); return 1;", undefined, { session: a });
    const b = sandbox.createSession();
    const fromB = await sandbox.execute("return await fs.exists('secret.txt');", undefined, { session: b });
    expect(fromB.output).toBe(false);
    const none = await sandbox.execute("return await fs.exists('secret.txt');");
    expect(none.output).toBe(false);
    const noSkill = await sandbox.execute("import { x } from './skills/a.ts';\nexport default x;");
    expect(noSkill.success).toBe(false);
    expect(noSkill.errors[0]?.message).toMatch(/Cannot find module/);
  });

  it("session state is visible as `state`, returned as sessionState and accepted back", async () => {
    const session = sandbox.createSession({ state: { visits: 0 } });
    for (let i = 0; i < 3; i++) await sandbox.execute("state.visits++; return state.visits;", undefined, { session });
    expect(session.state).toEqual({ visits: 3 });
    const r = await sandbox.execute("state.items = [1]; return null;", undefined, { sessionState: { visits: 9 } });
    expect(r.sessionState).toEqual({ visits: 9, items: [1] });
    const plain = await sandbox.execute("return typeof state;");
    expect(plain.output).toBe("undefined");
    expect(plain.sessionState).toBeUndefined();
  });

  it("path escapes fail inside the program and raise a SANDBOX_VIOLATION event", async () => {
    events.length = 0;
    const session = sandbox.createSession({ id: "s-esc" });
    const result = await sandbox.execute(
      "const out = []; for (const p of ['../etc/passwd', '/etc/passwd', 'a/../../x']) { try { await fs.readFile(p); out.push('read'); } catch (e) { out.push(e.code); } } return out;",
      undefined,
      { session },
    );
    expect(result.output).toEqual(["WORKSPACE_PATH", "WORKSPACE_PATH", "WORKSPACE_PATH"]);
    expect(events.some((e) => e.type === "SANDBOX_VIOLATION" && e.sessionId === "s-esc")).toBe(true);
  });

  it("the quota applies to programs", async () => {
    const session = sandbox.createSession({ workspace: createMemoryWorkspace({ maxBytes: 10 }) });
    const result = await sandbox.execute(
      "try { await fs.writeFile('big.txt', 'x'.repeat(100)); } catch (e) { return e.code; }",
      undefined,
      { session },
    );
    expect(result.output).toBe("WORKSPACE_QUOTA");
  });

  it("workspace calls are not tool calls", async () => {
    const session = sandbox.createSession();
    const result = await sandbox.execute("await fs.writeFile('a', 'b'); return await fs.readFile('a');", undefined, {
      session,
    });
    expect(result.output).toBe("b");
    expect(result.metrics.toolCalls).toBe(0);
  });
});

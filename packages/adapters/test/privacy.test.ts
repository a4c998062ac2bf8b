import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createFilterPipeline, createTokenVault } from "@athena/filter";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  createToolRegistry,
  isToolError,
  mcpAdapter,
  type PrivacyVault,
  type ToolAdapter,
  type ToolCallRecord,
  type ToolError,
  type ToolRegistry,
} from "../src/index.js";
import { type RunningServer, startServer } from "./helpers/servers.js";

// Generous limits: two shared cores can be busy (real servers spawn, tsc runs); nothing here waits on purpose.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

/**
 * A small vault for the privacy path: e-mail addresses in strings become `[EMAIL_n]` on the way in and are restored on
 * the way out. Copies, never mutates.
 */
function createTestVault(): PrivacyVault & { size(): number } {
  const byValue = new Map<string, string>();
  const byToken = new Map<string, string>();
  const email = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
  const walk = (value: unknown, onString: (text: string) => string): unknown => {
    if (typeof value === "string") return onString(value);
    if (Array.isArray(value)) return value.map((item) => walk(item, onString));
    if (typeof value === "object" && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, walk(item, onString)]));
    }
    return value;
  };
  return {
    tokenize: (value) =>
      walk(value, (text) =>
        text.replace(email, (found) => {
          let token = byValue.get(found);
          if (token === undefined) {
            token = `[EMAIL_${byValue.size + 1}]`;
            byValue.set(found, token);
            byToken.set(token, found);
          }
          return token;
        }),
      ),
    detokenize: (value) =>
      walk(value, (text) => text.replace(/\[EMAIL_\d+\]/g, (token) => byToken.get(token) ?? token)),
    size: () => byValue.size,
  };
}

async function rejection(promise: Promise<unknown>): Promise<ToolError> {
  try {
    await promise;
  } catch (error) {
    if (isToolError(error)) return error;
    throw new Error(`expected a ToolError, got ${String(error)}`);
  }
  throw new Error("expected a rejection");
}

let memory: RunningServer;
let filesystem: RunningServer;
let adapters: ToolAdapter[];

beforeAll(async () => {
  [memory, filesystem] = await Promise.all([startServer("memory"), startServer("filesystem")]);
  adapters = await Promise.all([mcpAdapter("memory", memory.client), mcpAdapter("filesystem", filesystem.client)]);
  // The host seeds private data directly, outside any registry.
  await memory.client.callTool({
    name: "create_entities",
    arguments: {
      entities: [{ name: "Ada", entityType: "customer", observations: ["email ada@example.com", "plan: pro"] }],
    },
  });
});

afterAll(async () => {
  await Promise.all([memory?.close(), filesystem?.close()]);
});

function registryWith(vault: PrivacyVault): ToolRegistry {
  return createToolRegistry({
    policy: { allow: ["memory/*", "filesystem/read_text_file", "filesystem/write_file"] },
    privacy: vault,
    adapters,
  });
}

describe("privacy vault (in-test vault)", () => {
  it("tokenizes results before they reach the caller and detokenizes arguments before they reach the tool", async () => {
    const vault = createTestVault();
    const registry = registryWith(vault);
    const found = (await registry.call("memory/search_nodes", { query: "Ada" }, { executionId: "p1" })) as {
      entities: { observations: string[] }[];
    };
    expect(found.entities[0]?.observations).toEqual(["email [EMAIL_1]", "plan: pro"]);
    expect(JSON.stringify(found)).not.toContain("ada@example.com");

    const path = join(filesystem.dir, "contact.txt");
    const args = { path, content: "write to [EMAIL_1] today" };
    const frozen = structuredClone(args);
    await registry.call("filesystem/write_file", args, { executionId: "p1" });
    expect(args).toEqual(frozen);
    expect(readFileSync(path, "utf8")).toBe("write to ada@example.com today");

    const readBack = await registry.call("filesystem/read_text_file", { path }, { executionId: "p1" });
    expect(readBack).toEqual({ content: "write to [EMAIL_1] today" });
    expect(vault.size()).toBe(1);
  });

  it("tokenizes the server's text in TOOL_FAILED messages", async () => {
    const registry = registryWith(createTestVault());
    await registry.call("memory/search_nodes", { query: "Ada" }, { executionId: "p2" });
    const error = await rejection(
      registry.call("filesystem/read_text_file", { path: "/outside/[EMAIL_1]" }, { executionId: "p2" }),
    );
    expect(error.code).toBe("TOOL_FAILED");
    expect(error.message).toContain("/outside/[EMAIL_1]");
    expect(error.message).not.toContain("ada@example.com");
  });

  it("turns a throwing vault into TOOL_FAILED without calling the tool", async () => {
    const registry = createToolRegistry({
      policy: { allow: ["memory/*"] },
      adapters,
      privacy: {
        tokenize: (value) => value,
        detokenize: () => {
          throw new Error("vault sealed");
        },
      },
    });
    const error = await rejection(registry.call("memory/read_graph", {}, { executionId: "p3" }));
    expect(error.code).toBe("TOOL_FAILED");
    expect(error.message).toContain("could not detokenize");
  });
});

describe("privacy with @athena/filter's token vault and pipeline", () => {
  it("keeps a customer's phone and e-mail out of results, restores them for the next tool, and redacts secrets", async () => {
    await memory.client.callTool({
      name: "create_entities",
      arguments: {
        entities: [
          {
            name: "Grace",
            entityType: "customer",
            observations: ["phone +44 20 7946 0958", "mail grace@example.org", "deploy key AKIAIOSFODNN7EXAMPLE"],
          },
        ],
      },
    });
    // Personal data goes to the vault (reversible placeholders); secrets are left to the output filter.
    const vault = createTokenVault({ disabledTypes: ["aws_access_key_id"] });
    const records: ToolCallRecord[] = [];
    const registry = createToolRegistry({
      policy: { allow: ["memory/search_nodes", "filesystem/write_file"] },
      adapters,
      privacy: vault,
      outputFilter: createFilterPipeline(),
      onCall: (record) => records.push(record),
    });
    const found = (await registry.call("memory/search_nodes", { query: "Grace" }, { executionId: "f1" })) as {
      entities: { name: string; observations: string[] }[];
    };
    const seen = JSON.stringify(found);
    expect(found.entities.map((entity) => entity.name)).toEqual(["Grace"]);
    for (const secret of ["7946 0958", "grace@example.org", "AKIAIOSFODNN7EXAMPLE"]) expect(seen).not.toContain(secret);
    const [phone, mail] = found.entities[0]?.observations ?? [];
    expect(phone).toMatch(/^phone \[PHONE_\d+\]$/);
    expect(mail).toMatch(/^mail \[EMAIL_\d+\]$/);
    expect(records[0]?.tool).toBe("memory/search_nodes");
    // Secrets are the pipeline's: redacted for good, and the audit record says the result was filtered.
    expect(found.entities[0]?.observations[2]).toBe("deploy key [REDACTED:AWS_ACCESS_KEY_ID]");
    expect(records[0]?.filtered).toBe(true);

    // The program passes the placeholders on; the filesystem server receives the real values.
    const path = join(filesystem.dir, "grace.txt");
    const placeholders = `${phone?.slice("phone ".length)} / ${mail?.slice("mail ".length)}`;
    await registry.call("filesystem/write_file", { path, content: `call ${placeholders}` }, { executionId: "f1" });
    expect(readFileSync(path, "utf8")).toBe("call +44 20 7946 0958 / grace@example.org");
  });
});

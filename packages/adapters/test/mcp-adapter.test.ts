import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  isIdentifier,
  isToolError,
  type McpClientLike,
  mcpAdapter,
  type ToolAdapter,
  type ToolError,
  type ToolOperation,
} from "../src/index.js";
import { type RunningServer, startServer } from "./helpers/servers.js";

// Generous limits: two shared cores can be busy (real servers spawn, tsc runs); nothing here waits on purpose.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

// The SDK's Client must satisfy the structural interface as it is (checked by tsc on this file).
const acceptsSdkClient = (client: Client): McpClientLike => client;

const context = { executionId: "test", timeoutMs: 20_000 };

function op(adapter: ToolAdapter, name: string): ToolOperation {
  const found = adapter.operations.find((candidate) => candidate.name === name);
  if (found === undefined)
    throw new Error(`no operation ${name} in ${adapter.operations.map((o) => o.name).join(", ")}`);
  return found;
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

describe("mcpAdapter against the published servers over stdio", () => {
  let memory: RunningServer;
  let filesystem: RunningServer;
  let everything: RunningServer;
  beforeAll(async () => {
    [memory, filesystem, everything] = await Promise.all([
      startServer("memory"),
      startServer("filesystem"),
      startServer("everything"),
    ]);
  });
  afterAll(async () => {
    await Promise.all([memory?.close(), filesystem?.close(), everything?.close()]);
  });

  it("lists every tool of each server with identifier names and zod parameters", async () => {
    const adapters = await Promise.all([
      mcpAdapter("memory", acceptsSdkClient(memory.client)),
      mcpAdapter("filesystem", filesystem.client),
      mcpAdapter("everything", everything.client),
    ]);
    const counts = adapters.map((adapter) => adapter.operations.length);
    const listed = await Promise.all(
      [memory, filesystem, everything].map(async (s) => (await s.client.listTools()).tools),
    );
    expect(counts).toEqual(listed.map((tools) => tools.length));
    expect(counts.reduce((a, b) => a + b)).toBeGreaterThanOrEqual(30);
    for (const adapter of adapters) {
      for (const operation of adapter.operations) {
        expect(isIdentifier(operation.name), operation.id).toBe(true);
        expect(operation.id).toBe(`${adapter.name}/${operation.name}`);
        expect(typeof operation.parameters.safeParse).toBe("function");
      }
    }
    const everythingAdapter = adapters[2] as ToolAdapter;
    expect(op(everythingAdapter, "get_tiny_image").originalName).toBe("get-tiny-image");
    expect(everythingAdapter.version).toBe("2.0.0");
    expect(everythingAdapter.description).toBe("Everything Reference Server");
  });

  it("validates with the converted JSON Schema and maps annotations", async () => {
    const adapter = await mcpAdapter("memory", memory.client);
    const create = op(adapter, "create_entities");
    const bad = create.parameters.safeParse({ entities: [{ name: 1, entityType: "person" }] });
    expect(bad.success).toBe(false);
    const paths = bad.success ? [] : bad.error.issues.map((issue) => issue.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["entities.0.name", "entities.0.observations"]));
    expect(create.mutating).toBe(true);
    expect(create.destructive).toBe(false);
    expect(op(adapter, "delete_entities").destructive).toBe(true);
    expect(op(adapter, "read_graph").mutating).toBe(false);
    expect(op(adapter, "read_graph").tags).toContain("read-only");
  });

  it("returns structuredContent first, as the server sent it", async () => {
    const adapter = await mcpAdapter("memory", memory.client);
    const created = await op(adapter, "create_entities").execute(
      { entities: [{ name: "Ada", entityType: "person", observations: ["wrote the first program"] }] },
      context,
    );
    expect(created).toEqual({
      entities: [{ name: "Ada", entityType: "person", observations: ["wrote the first program"] }],
    });
    const found = await op(adapter, "search_nodes").execute({ query: "Ada" }, context);
    expect(found).toEqual({
      entities: [{ name: "Ada", entityType: "person", observations: ["wrote the first program"] }],
      relations: [],
    });
  });

  it("maps images and embedded resources to typed objects, never text", async () => {
    const adapter = await mcpAdapter("everything", everything.client);
    const image = await op(adapter, "get_tiny_image").execute({}, context);
    expect(Array.isArray(image)).toBe(true);
    const items = image as unknown[];
    expect(items[0]).toBe("Here's the image you requested:");
    expect(items[1]).toMatchObject({ type: "image", mimeType: "image/png" });
    expect(
      Buffer.from((items[1] as { data: string }).data, "base64")
        .subarray(1, 4)
        .toString("latin1"),
    ).toBe("PNG");
    const resource = (await op(adapter, "get_resource_reference").execute(
      { resourceType: "Blob", resourceId: 2 },
      context,
    )) as unknown[];
    expect(resource[1]).toMatchObject({
      type: "resource",
      uri: "demo://resource/dynamic/blob/2",
      mimeType: "text/plain",
    });
    expect(typeof (resource[1] as { blob: unknown }).blob).toBe("string");
    const links = (await op(adapter, "get_resource_links").execute({ count: 2 }, context)) as unknown[];
    expect(links.slice(1)).toEqual([
      expect.objectContaining({
        type: "resource_link",
        uri: expect.stringMatching(/^demo:\/\//),
        name: expect.any(String),
      }),
      expect.objectContaining({ type: "resource_link" }),
    ]);
    expect(await op(adapter, "get_sum").execute({ a: 2, b: 3 }, context)).toBe("The sum of 2 and 3 is 5.");
  });

  it("turns an isError result into TOOL_FAILED with the server's text", async () => {
    const adapter = await mcpAdapter("filesystem", filesystem.client);
    const error = await rejection(op(adapter, "read_text_file").execute({ path: "/etc/passwd" }, context));
    expect(error.code).toBe("TOOL_FAILED");
    expect(error.message).toContain("Access denied - path outside allowed directories");
    expect(error.toolId).toBe("filesystem/read_text_file");
  });

  it("reads and writes real files through the filesystem server", async () => {
    const adapter = await mcpAdapter("filesystem", filesystem.client);
    const path = join(filesystem.dir, "note.txt");
    await op(adapter, "write_file").execute({ path, content: "hello from athena" }, context);
    expect(await op(adapter, "read_text_file").execute({ path }, context)).toEqual({ content: "hello from athena" });
    writeFileSync(join(filesystem.dir, "other.txt"), "x");
    const listing = (await op(adapter, "list_directory").execute({ path: filesystem.dir }, context)) as {
      content: string;
    };
    expect(listing.content).toContain("[FILE] other.txt");
  });

  it("times out a slow tool with TIMEOUT and aborts by signal with ABORTED", async () => {
    const adapter = await mcpAdapter("everything", everything.client);
    const slow = op(adapter, "trigger_long_running_operation");
    const timeout = await rejection(slow.execute({ duration: 5, steps: 5 }, { ...context, timeoutMs: 150 }));
    expect(timeout.code).toBe("TIMEOUT");
    expect(timeout.message).toContain("150 ms");
    const controller = new AbortController();
    const pending = slow.execute({ duration: 5, steps: 5 }, { ...context, signal: controller.signal });
    setTimeout(() => controller.abort(new Error("user pressed stop")), 50);
    expect((await rejection(pending)).code).toBe("ABORTED");
    // The connection survives both.
    expect(await op(adapter, "echo").execute({ message: "still here" }, context)).toBe("Echo: still here");
  });

  it("flags task-only tools and refuses them without a round trip", async () => {
    const adapter = await mcpAdapter("everything", everything.client);
    const research = op(adapter, "simulate_research_query");
    expect(research.taskRequired).toBe(true);
    expect(research.tags).toContain("task-required");
    const error = await rejection(research.execute({ topic: "x" }, context));
    expect(error.code).toBe("TASK_REQUIRED");
  });
});

describe("mcpAdapter against the edge-case server", () => {
  let edge: RunningServer;
  let adapter: ToolAdapter;
  beforeAll(async () => {
    edge = await startServer("edge");
    adapter = await mcpAdapter("edge", edge.client, { costs: { "read-file": 3 }, readsSensitive: ["read_file"] });
  });
  afterAll(async () => {
    await edge?.close();
  });

  it("follows nextCursor through every page", async () => {
    expect(adapter.operations.map((operation) => operation.name)).toEqual([
      "read_file",
      "read_file_2",
      "class_",
      "_2fa_check",
      "weird_docs",
      "fail",
      "protocol_error",
      "malformed",
      "slow",
      "mixed",
      "json_text",
      "empty",
      "structured",
      "task_only",
      "conditional",
      "wipe",
      "unannotated",
      "echo",
      "crash",
    ]);
    expect(adapter.version).toBe("1.2.3");
  });

  it("keeps the original name for the wire call and applies per-tool options", async () => {
    expect(await op(adapter, "read_file").execute({ path: "a" }, context)).toBe("contents of a via read-file");
    expect(await op(adapter, "read_file_2").execute({ path: "b" }, context)).toBe("contents of b via read_file");
    expect(await op(adapter, "class_").execute({}, context)).toBe("class ok");
    expect(await op(adapter, "_2fa_check").execute({ code: "123456" }, context)).toBe("valid");
    expect(op(adapter, "read_file").cost).toBe(3);
    expect(op(adapter, "read_file_2").cost).toBe(1);
    expect(op(adapter, "read_file_2").readsSensitive).toBe(true);
    expect(op(adapter, "_2fa_check").parameters.safeParse({ code: "12ab" }).success).toBe(false);
  });

  it("maps every content type to one documented shape", async () => {
    expect(await op(adapter, "mixed").execute({}, context)).toEqual([
      "plain words",
      { type: "image", mimeType: "image/png", data: "iVBORw0KGgo=" },
      { type: "audio", mimeType: "audio/wav", data: "UklGRg==" },
      { type: "resource", uri: "file:///a.txt", mimeType: "text/plain", text: "resource text" },
      { type: "resource", uri: "file:///b.bin", blob: "AAEC" },
      {
        type: "resource_link",
        uri: "file:///c.txt",
        name: "c.txt",
        description: "a link",
        mimeType: "text/plain",
        size: 12,
      },
    ]);
    const json = op(adapter, "json_text");
    expect(await json.execute({ kind: "object" }, context)).toEqual({ a: 1, b: [true, null] });
    expect(await json.execute({ kind: "array" }, context)).toEqual([1, 2, 3]);
    expect(await json.execute({ kind: "plain" }, context)).toBe("just text");
    expect(await json.execute({ kind: "broken" }, context)).toBe("{not json");
    expect(await op(adapter, "empty").execute({}, context)).toBeNull();
    expect(await op(adapter, "structured").execute({ n: 4 }, context)).toEqual({ double: 8, tags: ["x"] });
  });

  it("maps failures: isError text, protocol errors and malformed results", async () => {
    const failed = await rejection(op(adapter, "fail").execute({}, context));
    expect(failed.code).toBe("TOOL_FAILED");
    expect(failed.message).toContain("disk on fire\ncall the admin");
    const protocol = await rejection(op(adapter, "protocol_error").execute({}, context));
    expect(protocol.code).toBe("PROTOCOL_ERROR");
    expect(protocol.message).toContain("backend exploded");
    expect(protocol.message).toContain("-32603");
    expect((await rejection(op(adapter, "malformed").execute({}, context))).code).toBe("PROTOCOL_ERROR");
  });

  it("cancels a slow call on the server when the signal fires", async () => {
    const controller = new AbortController();
    const pending = op(adapter, "slow").execute({ ms: 30_000 }, { ...context, signal: controller.signal });
    controller.abort();
    expect((await rejection(pending)).code).toBe("ABORTED");
    expect((await rejection(op(adapter, "slow").execute({ ms: 30_000 }, { ...context, timeoutMs: 100 }))).code).toBe(
      "TIMEOUT",
    );
  });

  it("falls back to an unchecked object schema when zod cannot express the input schema", async () => {
    const conditional = op(adapter, "conditional");
    expect(conditional.tags).toContain("unchecked-parameters");
    expect(conditional.parameters.safeParse({ anything: 1 }).success).toBe(true);
    expect(op(adapter, "echo").tags).not.toContain("unchecked-parameters");
  });

  it("marks destructive and unannotated tools per the MCP defaults, and task-only tools", async () => {
    expect(op(adapter, "wipe").destructive).toBe(true);
    expect(op(adapter, "unannotated").destructive).toBe(true);
    expect(op(adapter, "unannotated").mutating).toBe(true);
    expect(op(adapter, "class_").destructive).toBe(false);
    expect(op(adapter, "task_only").taskRequired).toBe(true);
    const lenient = await mcpAdapter("edge", edge.client, { unannotatedIsDestructive: false });
    expect(op(lenient, "unannotated").destructive).toBe(false);
    expect(op(lenient, "wipe").destructive).toBe(true);
  });

  it("reports a closed connection as CONNECTION_CLOSED", async () => {
    const own = await startServer("edge");
    const crashing = await mcpAdapter("edge", own.client);
    const crash = await rejection(op(crashing, "crash").execute({}, context));
    expect(crash.code).toBe("CONNECTION_CLOSED");
    const after = await rejection(op(crashing, "echo").execute({}, context));
    expect(after.code).toBe("CONNECTION_CLOSED");
    await own.close();
  });
});

describe("mcpAdapter input checks and listing failures", () => {
  const tool = (name: string) => ({ name, inputSchema: { type: "object" } });
  const fakeClient = (pages: Record<string, { tools: unknown[]; nextCursor?: string }>): McpClientLike => ({
    async listTools(params) {
      const page = pages[params?.cursor ?? ""];
      if (page === undefined) throw new Error("no such page");
      return page as Awaited<ReturnType<McpClientLike["listTools"]>>;
    },
    async callTool() {
      return { content: [] };
    },
  });

  it("rejects names that are not identifiers, with a suggestion", async () => {
    const error = await rejection(mcpAdapter("my-server", fakeClient({ "": { tools: [] } })));
    expect(error.code).toBe("INVALID_OPTIONS");
    expect(error.message).toContain('"my_server"');
    expect((await rejection(mcpAdapter("ok", {} as McpClientLike))).code).toBe("INVALID_OPTIONS");
    expect((await rejection(mcpAdapter("ok", fakeClient({ "": { tools: [] } }), { maxPages: 0 }))).message).toContain(
      "maxPages",
    );
  });

  it("stops on repeated cursors and endless pagination", async () => {
    const loop = fakeClient({
      "": { tools: [tool("a")], nextCursor: "x" },
      x: { tools: [tool("b")], nextCursor: "x" },
    });
    expect((await rejection(mcpAdapter("s", loop))).message).toContain('repeated the page cursor "x"');
    const pages: Record<string, { tools: unknown[]; nextCursor?: string }> = {};
    for (let i = 0; i < 10; i++)
      pages[i === 0 ? "" : String(i)] = { tools: [tool(`t${i}`)], nextCursor: String(i + 1) };
    expect((await rejection(mcpAdapter("s", fakeClient(pages), { maxPages: 5 }))).code).toBe("PROTOCOL_ERROR");
    expect((await rejection(mcpAdapter("s", fakeClient({ "": { tools: "nope" as unknown as unknown[] } })))).code).toBe(
      "PROTOCOL_ERROR",
    );
  });

  it("reports an aborted listing as ABORTED", async () => {
    const controller = new AbortController();
    controller.abort();
    const client: McpClientLike = {
      async listTools(_params, options) {
        options?.signal?.throwIfAborted();
        return { tools: [] };
      },
      async callTool() {
        return { content: [] };
      },
    };
    expect((await rejection(mcpAdapter("s", client, {}, controller.signal))).code).toBe("ABORTED");
  });
});

import { z } from "zod";
import type { ToolOperation, ToolTypeSpec } from "./contracts.js";
import { mcpResultTypeDeclarations, mcpResultTypeName } from "./mcp-result.js";
import { allOptional, escapeComment, exampleValue, jsdoc, renderType } from "./render-types.js";
import type { JsonSchemaObject } from "./seams.js";
import { terms } from "./search.js";

/** One tool as the disclosure renderers see it. */
export interface DisclosureEntry {
  op: ToolOperation;
  server: string;
}

/** One server as the disclosure renderers see it. */
export interface DisclosureServer {
  name: string;
  description: string;
  version: string;
  entries: readonly DisclosureEntry[];
}

const specCache = new WeakMap<ToolOperation, ToolTypeSpec>();

function toJsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchemaObject {
  try {
    const out = z.toJSONSchema(schema, { io, unrepresentable: "any", cycles: "ref", reused: "inline" });
    return out as JsonSchemaObject;
  } catch {
    return {};
  }
}

/**
 * The JSON Schema form of an operation's types: its own `types`, or computed once from its zod schemas.
 *
 * @param op - the operation
 * @returns parameters and result schemas
 */
export function typeSpecOf(op: ToolOperation): ToolTypeSpec {
  if (op.types !== undefined) return op.types;
  let spec = specCache.get(op);
  if (spec === undefined) {
    const returns = op.returns === undefined ? undefined : toJsonSchema(op.returns, "output");
    spec = {
      parameters: toJsonSchema(op.parameters, "input"),
      returns,
      returnsType: returns === undefined ? "unknown" : undefined,
    };
    specCache.set(op, spec);
  }
  return spec;
}

/** The first sentence (or line) of a description, at most `max` characters. */
export function summaryOf(op: ToolOperation, max = 120): string {
  const text = (op.description || op.title || "").trim();
  const firstLine = text.split("\n")[0] ?? "";
  const sentence = /^(.+?[.!?])(\s|$)/.exec(firstLine)?.[1] ?? firstLine;
  const clean = sentence.replace(/\s+/g, " ");
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

function returnTypeOf(spec: ToolTypeSpec, pretty: boolean, indent: string): string {
  if (spec.returns !== undefined) return renderType(spec.returns, { pretty, indent });
  return spec.returnsType ?? "unknown";
}

function argsOf(spec: ToolTypeSpec, pretty: boolean, indent: string): string {
  return `args${allOptional(spec.parameters) ? "?" : ""}: ${renderType(spec.parameters, { pretty, indent })}`;
}

/**
 * One line: the TypeScript signature of a tool, e.g. `function search_nodes(args: { query: string }): Promise<…>`.
 *
 * @param op - the operation
 * @returns the signature
 */
export function renderSignature(op: ToolOperation): string {
  const spec = typeSpecOf(op);
  return `function ${op.name}(${argsOf(spec, false, "")}): Promise<${returnTypeOf(spec, false, "")}>`;
}

/** True when every word of the title is already in the name ("Create Entities" for create_entities). */
function titleRepeatsName(op: ToolOperation): boolean {
  const name = new Set(terms(op.name));
  return terms(op.title ?? "").every((term) => name.has(term));
}

function flagsOf(op: ToolOperation): string[] {
  const flags: string[] = [];
  if (op.taskRequired) flags.push("task-only: cannot be called from a program");
  if (op.destructive) flags.push("destructive");
  else if (op.mutating) flags.push("mutating");
  else flags.push("read-only");
  if (op.readsSensitive) flags.push("reads sensitive data");
  if (op.writesSensitive) flags.push("writes sensitive data");
  if (op.deprecated) flags.push("deprecated");
  return flags;
}

function docBlock(entry: DisclosureEntry, indent: string, withExamples: boolean): string {
  const { op, server } = entry;
  const spec = typeSpecOf(op);
  const lines: string[] = [];
  if (op.title !== undefined && op.title !== "" && op.title !== op.description && !titleRepeatsName(op)) {
    lines.push(escapeComment(op.title), "");
  }
  if (op.description.trim() !== "") lines.push(...escapeComment(op.description.trim()).split("\n"), "");
  const origin = op.originalName === undefined ? "" : ` (named "${escapeComment(op.originalName)}" by its server)`;
  lines.push(`Tool \`${op.id}\`${origin}: ${flagsOf(op).join(", ")}; cost ${op.cost}.`);
  if (op.tags.length > 0) lines.push(`Tags: ${escapeComment(op.tags.join(", "))}.`);
  if (withExamples) {
    const examples =
      op.examples.length > 0 ? op.examples : [{ description: undefined, args: exampleValue(spec.parameters, "value") }];
    for (const example of examples) {
      lines.push("", "@example");
      if (example.description !== undefined) lines.push(`// ${escapeComment(example.description)}`);
      const args = JSON.stringify(example.args ?? {});
      lines.push(`const result = await tools.${server}.${op.name}(${escapeComment(args ?? "{}")});`);
      if (example.result !== undefined) lines.push(`// → ${escapeComment(JSON.stringify(example.result) ?? "")}`);
    }
  }
  while (lines.at(-1) === "") lines.pop();
  return jsdoc(lines, indent);
}

/**
 * The full document of a tool as a TypeScript module: description, flags, a worked example, and a typed wrapper
 * over `tools.<server>.<name>` (this is also the file `servers/<server>/<name>.ts` of the file tree).
 *
 * @param entry - the tool
 * @returns TypeScript source
 */
export function renderSource(entry: DisclosureEntry): string {
  const { op, server } = entry;
  const spec = typeSpecOf(op);
  const args = argsOf(spec, true, "");
  const returns = returnTypeOf(spec, true, "");
  return `${docBlock(entry, "", true)}export function ${op.name}(${args}): Promise<${returns}> {\n  return tools.${server}.${op.name}(args);\n}\n`;
}

/**
 * The manifest: one line per server with its tool count and description.
 *
 * @param servers - the servers with at least one visible tool
 * @returns the manifest text
 */
export function renderManifest(servers: readonly DisclosureServer[]): string {
  return servers
    .map(
      (server) =>
        `${server.name} (${server.entries.length} tool${server.entries.length === 1 ? "" : "s"}): ${oneLine(server.description)}`,
    )
    .join("\n");
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/**
 * One server's tools, one line each: name and summary, with flags for destructive and task-only tools.
 *
 * @param server - the server
 * @returns the description text
 */
export function renderDescribe(server: DisclosureServer): string {
  const lines = [`${server.name}: ${oneLine(server.description)}`];
  for (const { op } of server.entries) {
    const flags: string[] = [];
    if (op.taskRequired) flags.push("task-only");
    if (op.destructive) flags.push("destructive");
    if (op.deprecated) flags.push("deprecated");
    lines.push(`- ${op.name}: ${summaryOf(op)}${flags.length > 0 ? ` [${flags.join(", ")}]` : ""}`);
  }
  return lines.join("\n");
}

/**
 * A `.d.ts` for the callable tools: `tools.<server>.<name>(args)` as a global namespace and each server as the module
 * `servers/<server>`. Compiles under `tsc --strict`.
 *
 * @param servers - the servers and their callable tools
 * @returns declaration text
 */
export function renderDeclarations(servers: readonly DisclosureServer[]): string {
  const parts: string[] = ["// The tools this program may call (generated by @athena/adapters).\n"];
  const usesMcpResult = servers.some((server) =>
    server.entries.some(
      ({ op }) => typeSpecOf(op).returns === undefined && typeSpecOf(op).returnsType === mcpResultTypeName,
    ),
  );
  if (usesMcpResult) parts.push(mcpResultTypeDeclarations);
  parts.push("declare namespace tools {\n");
  for (const server of servers) {
    parts.push(jsdoc([escapeComment(oneLine(server.description))], "  "));
    parts.push(`  namespace ${server.name} {\n`);
    for (const entry of server.entries) {
      const spec = typeSpecOf(entry.op);
      parts.push(docBlock(entry, "    ", false));
      parts.push(
        `    function ${entry.op.name}(${argsOf(spec, true, "    ")}): Promise<${returnTypeOf(spec, true, "    ")}>;\n`,
      );
    }
    parts.push("  }\n");
  }
  parts.push("}\n");
  for (const server of servers) {
    parts.push(`declare module "servers/${server.name}" {\n`);
    for (const { op } of server.entries) {
      parts.push(`  export const ${op.name}: typeof tools.${server.name}.${op.name};\n`);
    }
    parts.push("}\n");
  }
  return parts.join("");
}

/**
 * The virtual file tree: `servers/<server>/<tool>.ts` (the tool's {@link renderSource}) and `servers/<server>/index.ts`
 * re-exporting them.
 *
 * @param servers - the servers and their callable tools
 * @returns file path → TypeScript source
 */
export function renderFileTree(servers: readonly DisclosureServer[]): Record<string, string> {
  const files: Record<string, string> = {};
  for (const server of servers) {
    const exports: string[] = [];
    for (const entry of server.entries) {
      files[`servers/${server.name}/${entry.op.name}.ts`] = renderSource(entry);
      exports.push(`export { ${entry.op.name} } from "./${entry.op.name}";`);
    }
    files[`servers/${server.name}/index.ts`] =
      `${jsdoc([escapeComment(oneLine(server.description))], "")}${exports.join("\n")}\n`;
  }
  return files;
}

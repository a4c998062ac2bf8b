import type { McpCallToolResult, McpContentBlock } from "./seams.js";

/**
 * Any JSON value.
 *
 * @example
 * ```ts
 * const value: JsonValue = { a: [1, "two", null] };
 * ```
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * An image returned by a tool: base64 data and its MIME type, never inlined as text.
 *
 * @example
 * ```ts
 * const image: McpImageContent = { type: "image", mimeType: "image/png", data: "iVBORw0KGgo=" };
 * ```
 */
export interface McpImageContent {
  type: "image";
  mimeType: string;
  /** base64 */
  data: string;
}

/**
 * Audio returned by a tool: base64 data and its MIME type.
 *
 * @example
 * ```ts
 * const audio: McpAudioContent = { type: "audio", mimeType: "audio/wav", data: "UklGRg==" };
 * ```
 */
export interface McpAudioContent {
  type: "audio";
  mimeType: string;
  /** base64 */
  data: string;
}

/**
 * An embedded resource: its URI and either its `text` or its base64 `blob`.
 *
 * @example
 * ```ts
 * const resource: McpResourceContent = { type: "resource", uri: "file:///a.txt", text: "hello" };
 * ```
 */
export interface McpResourceContent {
  type: "resource";
  uri: string;
  mimeType?: string;
  text?: string;
  /** base64 */
  blob?: string;
}

/**
 * A link to a resource the server can serve later.
 *
 * @example
 * ```ts
 * const link: McpResourceLinkContent = { type: "resource_link", uri: "file:///a.txt", name: "a.txt" };
 * ```
 */
export interface McpResourceLinkContent {
  type: "resource_link";
  uri: string;
  name: string;
  title?: string;
  description?: string;
  mimeType?: string;
  size?: number;
}

/**
 * A content block of a type this version does not know, kept as sent.
 *
 * @example
 * ```ts
 * const other: McpOtherContent = { type: "video", url: "https://example.com/v.mp4" };
 * ```
 */
export interface McpOtherContent {
  type: string;
  [key: string]: unknown;
}

/**
 * One mapped content item: text (parsed when it is a JSON object or array) or a typed object.
 *
 * @example
 * ```ts
 * const items: McpContentItem[] = ["The sum is 3.", { type: "image", mimeType: "image/png", data: "" }];
 * ```
 */
export type McpContentItem =
  | string
  | JsonValue[]
  | { [key: string]: JsonValue }
  | McpImageContent
  | McpAudioContent
  | McpResourceContent
  | McpResourceLinkContent
  | McpOtherContent;

/**
 * What an MCP tool call resolves to, one documented shape:
 *
 * 1. `structuredContent` when the server sent it (validated by the client against the tool's `outputSchema`);
 * 2. otherwise the content blocks, each mapped: `text` → the parsed JSON when the text is a JSON object or array,
 *    else the string; `image`/`audio` → `{ type, mimeType, data }`; `resource` → `{ type: "resource", uri,
 *    mimeType?, text? | blob? }`; `resource_link` → `{ type: "resource_link", uri, name, … }`; unknown types as sent;
 * 3. no block → `null`; one block → that item; several → the array of items.
 *
 * An `isError` result never resolves: it becomes a `ToolError` with code `TOOL_FAILED` and the server's text.
 *
 * @example
 * ```ts
 * const result: McpToolResult = { entities: [], relations: [] };
 * ```
 */
export type McpToolResult = McpContentItem | McpContentItem[] | Record<string, unknown> | null;

/** The TypeScript text of {@link McpToolResult}, used in declarations (inside the `AthenaTools` namespace). */
export const mcpResultTypeDeclarations: string = `declare namespace AthenaTools {
  type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
  interface Image { type: "image"; mimeType: string; /** base64 */ data: string }
  interface Audio { type: "audio"; mimeType: string; /** base64 */ data: string }
  interface Resource { type: "resource"; uri: string; mimeType?: string; text?: string; /** base64 */ blob?: string }
  interface ResourceLink { type: "resource_link"; uri: string; name: string; title?: string; description?: string; mimeType?: string; size?: number }
  /** Text (parsed when it is a JSON object or array) or a typed object. */
  type ContentItem = string | JsonValue[] | { [key: string]: JsonValue } | Image | Audio | Resource | ResourceLink;
  /** No content: null; one block: that item; several: the array. */
  type McpResult = ContentItem | ContentItem[] | null;
}
`;

/** The type name tools without an output schema return, as used in declarations. */
export const mcpResultTypeName = "AthenaTools.McpResult";

function firstNonSpace(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code !== 0x20 && code !== 0x0a && code !== 0x0d && code !== 0x09) return code;
  }
  return -1;
}

function parseText(text: string): McpContentItem {
  const first = firstNonSpace(text);
  if (first === 0x7b || first === 0x5b) {
    try {
      return JSON.parse(text) as McpContentItem;
    } catch {
      return text;
    }
  }
  return text;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function mapBlock(block: McpContentBlock): McpContentItem {
  switch (block.type) {
    case "text":
      return parseText(str(block.text) ?? "");
    case "image":
    case "audio":
      return {
        type: block.type,
        mimeType: str(block.mimeType) ?? "application/octet-stream",
        data: str(block.data) ?? "",
      };
    case "resource": {
      const resource = (typeof block.resource === "object" && block.resource !== null ? block.resource : {}) as Record<
        string,
        unknown
      >;
      const out: McpResourceContent = { type: "resource", uri: str(resource.uri) ?? "" };
      const mimeType = str(resource.mimeType);
      if (mimeType !== undefined) out.mimeType = mimeType;
      const text = str(resource.text);
      if (text !== undefined) out.text = text;
      const blob = str(resource.blob);
      if (blob !== undefined) out.blob = blob;
      return out;
    }
    case "resource_link": {
      const out: McpResourceLinkContent = {
        type: "resource_link",
        uri: str(block.uri) ?? "",
        name: str(block.name) ?? "",
      };
      for (const key of ["title", "description", "mimeType"] as const) {
        const value = str(block[key]);
        if (value !== undefined) out[key] = value;
      }
      if (typeof block.size === "number") out.size = block.size;
      return out;
    }
    default:
      return { ...block };
  }
}

/**
 * The text an error result carries: its text blocks joined, or a note that it had none.
 *
 * @param result - an `isError` result
 * @returns the server's message
 */
export function errorText(result: McpCallToolResult): string {
  const texts: string[] = [];
  for (const block of result.content ?? [])
    if (block.type === "text" && typeof block.text === "string") texts.push(block.text);
  return texts.length > 0 ? texts.join("\n") : "(the server gave no error text)";
}

/**
 * Maps a successful MCP `tools/call` result to the one documented shape {@link McpToolResult}.
 *
 * @param result - what the client returned (not an `isError` result)
 * @returns structured content, one mapped item, an array of items, or `null`
 * @example
 * ```ts
 * mapCallToolResult({ content: [{ type: "text", text: '{"a":1}' }] }); // { a: 1 }
 * mapCallToolResult({ content: [], structuredContent: { ok: true } }); // { ok: true }
 * ```
 */
export function mapCallToolResult(result: McpCallToolResult): McpToolResult {
  if (result.structuredContent !== undefined && result.structuredContent !== null) return result.structuredContent;
  if (!Array.isArray(result.content)) {
    if ("toolResult" in result) return (result.toolResult ?? null) as McpToolResult;
    return null;
  }
  const content = result.content;
  if (content.length === 0) return null;
  if (content.length === 1) return mapBlock(content[0] as McpContentBlock);
  return content.map(mapBlock);
}

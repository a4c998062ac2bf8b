import { SandboxError } from "./errors.js";
import type { ToolCallContext, ToolHost, ToolInfo, ToolMap } from "./types.js";

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** True for a {@link ToolHost} (as opposed to a plain tool map). */
export function isToolHost(value: ToolHost | ToolMap): value is ToolHost {
  return typeof (value as ToolHost).list === "function" && typeof (value as ToolHost).call === "function";
}

/**
 * Turns a plain `{ server: { tool: fn } }` object into a {@link ToolHost} whose ids are `server/tool`.
 *
 * @throws {@link SandboxError} `INVALID_OPTIONS` when a server or tool name is not a JavaScript identifier.
 */
export function toolHostFromMap(map: ToolMap): ToolHost {
  const infos: ToolInfo[] = [];
  const fns = new Map<string, (args: unknown, context: ToolCallContext) => unknown>();
  for (const [server, tools] of Object.entries(map)) {
    if (!IDENTIFIER.test(server)) {
      throw new SandboxError(
        "INVALID_OPTIONS",
        `Tool server name ${JSON.stringify(server)} must be a JavaScript identifier.`,
      );
    }
    for (const [name, fn] of Object.entries(tools)) {
      if (!IDENTIFIER.test(name)) {
        throw new SandboxError("INVALID_OPTIONS", `Tool name ${JSON.stringify(name)} must be a JavaScript identifier.`);
      }
      const id = `${server}/${name}`;
      infos.push({ id, server, name });
      fns.set(id, fn);
    }
  }
  Object.freeze(infos);
  return {
    list: () => infos,
    call: (id, args, context) => {
      const fn = fns.get(id);
      if (fn === undefined) {
        return Promise.reject(Object.assign(new Error(`Unknown tool ${id}`), { code: "TOOL_NOT_FOUND" }));
      }
      try {
        return Promise.resolve(fn(args, context));
      } catch (error) {
        return Promise.reject(error);
      }
    },
  };
}

/** The tools of one execution that can be exposed: valid identifiers only, first of duplicate names wins. */
export function exposedTools(host: ToolHost | undefined): ToolInfo[] {
  if (host === undefined) return [];
  const seen = new Set<string>();
  const out: ToolInfo[] = [];
  for (const info of host.list()) {
    if (typeof info?.id !== "string" || !IDENTIFIER.test(info.server) || !IDENTIFIER.test(info.name)) continue;
    const key = `${info.server}.${info.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(info);
  }
  return out;
}

/**
 * JSON Schema → TypeScript type text, for signatures, declarations and the virtual file tree. Covers the subset MCP
 * servers and zod's `toJSONSchema` produce (types and type arrays, enum/const, objects with required/optional
 * properties and additionalProperties, arrays and tuples, anyOf/oneOf/allOf, local `$ref`s, `nullable`); anything
 * else renders as `unknown`, which always compiles.
 */

const maxDepth = 24;
const plainKey = /^[A-Za-z_$][\w$]*$/;

/** How to render. */
export interface RenderOptions {
  /** Multi-line with JSDoc on properties (declarations) instead of one line (signatures). */
  pretty: boolean;
  /** The indentation of the line the type starts on (pretty mode). */
  indent?: string;
}

type Schema = Record<string, unknown>;

interface State {
  root: unknown;
  pretty: boolean;
  refs: string[];
}

function isObject(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Escapes text for use inside a `/** … *\/` comment. */
export function escapeComment(text: string): string {
  return text.replace(/\*\//g, "*\\/").replace(/\r\n?/g, "\n");
}

/** A property key as TypeScript accepts it. */
export function propertyKey(key: string): string {
  return plainKey.test(key) ? key : JSON.stringify(key);
}

function literal(value: unknown): string | undefined {
  if (value === null) return "null";
  if (typeof value === "string" || typeof value === "boolean") return JSON.stringify(value);
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return undefined;
}

function union(parts: string[]): string {
  const unique = [...new Set(parts)];
  if (unique.length === 0) return "never";
  if (unique.includes("unknown")) return "unknown";
  return unique.join(" | ");
}

/** True when `type` has a `|` or `&` outside brackets and string literals (so it needs parentheses before `[]`). */
function hasTopLevelOperator(type: string): boolean {
  let depth = 0;
  let quote = false;
  for (let i = 0; i < type.length; i++) {
    const char = type[i];
    if (quote) {
      if (char === "\\") i++;
      else if (char === '"') quote = false;
    } else if (char === '"') quote = true;
    else if (char === "{" || char === "[" || char === "(" || char === "<") depth++;
    else if (char === "}" || char === "]" || char === ")" || char === ">") depth--;
    else if (depth === 0 && (char === "|" || char === "&")) return true;
  }
  return false;
}

function wrapForArray(type: string): string {
  return hasTopLevelOperator(type) ? `(${type})` : type;
}

function resolveRef(ref: string, root: unknown): unknown {
  if (ref === "#") return root;
  if (!ref.startsWith("#/")) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(2).split("/")) {
    const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    if (!isObject(node) && !Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function render(schema: unknown, state: State, indent: string, depth: number): string {
  if (schema === true) return "unknown";
  if (schema === false) return "never";
  if (!isObject(schema) || depth > maxDepth) return "unknown";

  const ref = schema.$ref;
  if (typeof ref === "string") {
    if (state.refs.includes(ref)) return "unknown";
    const target = resolveRef(ref, state.root);
    if (target === undefined) return "unknown";
    state.refs.push(ref);
    const out = render(target, state, indent, depth + 1);
    state.refs.pop();
    return out;
  }

  let type = renderCore(schema, state, indent, depth);
  if (schema.nullable === true && type !== "unknown" && type !== "null" && !type.endsWith(" | null")) {
    type = `${type} | null`;
  }
  return type;
}

function renderCore(schema: Schema, state: State, indent: string, depth: number): string {
  if ("const" in schema) return literal(schema.const) ?? "unknown";
  if (Array.isArray(schema.enum)) {
    const parts: string[] = [];
    for (const value of schema.enum) {
      const text = literal(value);
      if (text === undefined) return "unknown";
      parts.push(text);
    }
    return union(parts);
  }
  for (const key of ["anyOf", "oneOf"] as const) {
    const options = schema[key];
    if (Array.isArray(options) && options.length > 0) {
      const base = withoutKeys(schema, [key]);
      const parts = options.map((option) =>
        render(
          hasTypeKeywords(base) ? { ...base, ...(isObject(option) ? option : {}) } : option,
          state,
          indent,
          depth + 1,
        ),
      );
      return union(parts);
    }
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0) {
    const parts = schema.allOf.map((part) => render(part, state, indent, depth + 1)).filter((p) => p !== "unknown");
    if (parts.length === 0) return "unknown";
    return parts.length === 1 ? (parts[0] as string) : parts.map((part) => `(${part})`).join(" & ");
  }
  const type = schema.type;
  if (Array.isArray(type)) {
    return union(type.map((single) => render({ ...schema, type: single }, state, indent, depth + 1)));
  }
  switch (type) {
    case "string":
      return "string";
    case "number":
    case "integer":
      return "number";
    case "boolean":
      return "boolean";
    case "null":
      return "null";
    case "array":
      return renderArray(schema, state, indent, depth);
    case "object":
      return renderObject(schema, state, indent, depth);
    case undefined:
      if (isObject(schema.properties) || "additionalProperties" in schema) {
        return renderObject(schema, state, indent, depth);
      }
      if ("items" in schema || "prefixItems" in schema) return renderArray(schema, state, indent, depth);
      return "unknown";
    default:
      return "unknown";
  }
}

function hasTypeKeywords(schema: Schema): boolean {
  return "type" in schema || "properties" in schema || "items" in schema;
}

function withoutKeys(schema: Schema, keys: string[]): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) if (!keys.includes(key) && key !== "description") out[key] = value;
  return out;
}

function renderArray(schema: Schema, state: State, indent: string, depth: number): string {
  const tuple = Array.isArray(schema.prefixItems)
    ? schema.prefixItems
    : Array.isArray(schema.items)
      ? schema.items
      : null;
  if (tuple !== null) {
    const parts = tuple.map((item) => render(item, state, indent, depth + 1));
    const rest = Array.isArray(schema.prefixItems) ? schema.items : schema.additionalItems;
    if (rest !== false && rest !== undefined)
      parts.push(`...${wrapForArray(render(rest, state, indent, depth + 1))}[]`);
    else if (rest === undefined) parts.push("...unknown[]");
    return `[${parts.join(", ")}]`;
  }
  const item = "items" in schema ? render(schema.items, state, indent, depth + 1) : "unknown";
  return `${wrapForArray(item)}[]`;
}

function docLines(schema: unknown): string[] {
  if (!isObject(schema)) return [];
  const lines: string[] = [];
  if (typeof schema.description === "string" && schema.description.trim() !== "") {
    lines.push(...escapeComment(schema.description.trim()).split("\n"));
  }
  if ("default" in schema && schema.default !== undefined) {
    const text = JSON.stringify(schema.default);
    if (text !== undefined && text.length <= 200) lines.push(`@defaultValue ${escapeComment(text)}`);
  }
  return lines;
}

/**
 * Renders a JSDoc block (or nothing) for `lines`, at `indent`.
 *
 * @param lines - already escaped comment lines
 * @param indent - leading whitespace
 */
export function jsdoc(lines: readonly string[], indent: string): string {
  if (lines.length === 0) return "";
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((line) => `${indent} *${line === "" ? "" : ` ${line}`}`).join("\n")}\n${indent} */\n`;
}

function renderObject(schema: Schema, state: State, indent: string, depth: number): string {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((k) => typeof k === "string") : []);
  const keys = Object.keys(properties);
  const additional = schema.additionalProperties;
  if (keys.length === 0) {
    if (additional === false) return "Record<string, never>";
    if (isObject(additional)) return `Record<string, ${render(additional, state, indent, depth + 1)}>`;
    return "Record<string, unknown>";
  }
  const inner = `${indent}  `;
  const members: string[] = [];
  for (const key of keys) {
    const propertySchema = properties[key];
    const optional = required.has(key) ? "" : "?";
    const type = render(propertySchema, state, inner, depth + 1);
    const member = `${propertyKey(key)}${optional}: ${type};`;
    members.push(state.pretty ? `${jsdoc(docLines(propertySchema), inner)}${inner}${member}` : member);
  }
  if (additional !== undefined && additional !== false) {
    members.push(state.pretty ? `${inner}[key: string]: unknown;` : "[key: string]: unknown;");
  }
  if (state.pretty) return `{\n${members.join("\n")}\n${indent}}`;
  return `{ ${members.join(" ").replace(/;$/, "")} }`;
}

/**
 * Renders a JSON Schema as a TypeScript type.
 *
 * @param schema - the schema (its `$ref`s resolve against itself)
 * @param options - one line or pretty with JSDoc
 * @returns type text that compiles under `tsc --strict`
 * @example
 * ```ts
 * renderType({ type: "object", properties: { q: { type: "string" } }, required: ["q"] }, { pretty: false });
 * // "{ q: string }"
 * ```
 */
export function renderType(schema: unknown, options: RenderOptions): string {
  return render(schema, { root: schema, pretty: options.pretty, refs: [] }, options.indent ?? "", 0);
}

/** True when every property of the object schema is optional (so the arguments may be omitted). */
export function allOptional(schema: unknown): boolean {
  if (!isObject(schema)) return true;
  return !Array.isArray(schema.required) || schema.required.length === 0;
}

/**
 * Makes a small example value that satisfies the schema's required parts, for generated docs: defaults, examples,
 * enum or const values when given, otherwise a placeholder per type (a string names its property).
 *
 * @param schema - the schema
 * @param name - the property the value is for (used in placeholder strings)
 * @returns a JSON value
 */
export function exampleValue(schema: unknown, name = "value"): unknown {
  return example(schema, schema, name, 0, []);
}

function example(schema: unknown, root: unknown, name: string, depth: number, refs: string[]): unknown {
  if (!isObject(schema) || depth > 8) return null;
  if (typeof schema.$ref === "string") {
    if (refs.includes(schema.$ref)) return null;
    return example(resolveRef(schema.$ref, root), root, name, depth + 1, [...refs, schema.$ref]);
  }
  if ("const" in schema) return schema.const;
  if ("default" in schema && schema.default !== undefined) return schema.default;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const choice = Array.isArray(schema.anyOf) ? schema.anyOf[0] : Array.isArray(schema.oneOf) ? schema.oneOf[0] : null;
  if (choice !== null && choice !== undefined) return example(choice, root, name, depth + 1, refs);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  switch (type) {
    case "string":
      return name;
    case "number":
    case "integer":
      return typeof schema.minimum === "number" ? schema.minimum : 1;
    case "boolean":
      return true;
    case "null":
      return null;
    case "array": {
      const item = Array.isArray(schema.items) ? schema.items[0] : schema.items;
      const singular = name.endsWith("s") ? name.slice(0, -1) : name;
      return item === undefined ? [] : [example(item, root, singular, depth + 1, refs)];
    }
    default: {
      if (!isObject(schema.properties)) return {};
      const out: Record<string, unknown> = {};
      const required = Array.isArray(schema.required) ? schema.required : [];
      for (const key of Object.keys(schema.properties)) {
        if (required.includes(key)) out[key] = example(schema.properties[key], root, key, depth + 1, refs);
      }
      return out;
    }
  }
}

/**
 * The token ledger: what the same workflow costs in a model's context the classic way (every tool definition up
 * front, every tool call's arguments and result through the context) and in code mode (the manifest, the signatures
 * the program uses, the program, its output). Counted with gpt-tokenizer's o200k_base encoding.
 */
import { encode } from "gpt-tokenizer/encoding/o200k_base";

/** One tool call as it crossed the wire to the real MCP server: what the classic approach would pass through. */
export interface RecordedCall {
  tool: string;
  arguments: unknown;
  /** The server's raw `CallToolResult` (before any tokenization: the classic approach sees it all). */
  result: unknown;
}

/** One line of the ledger. */
export interface LedgerLine {
  item: string;
  tokens: number;
}

/** Both columns and the reduction. */
export interface TokenLedger {
  classic: LedgerLine[];
  codeMode: LedgerLine[];
  classicTotal: number;
  codeModeTotal: number;
  /** 1 - codeMode / classic */
  reduction: number;
}

/** Tokens of a string (o200k_base). */
export function countTokens(text: string): number {
  return encode(text).length;
}

const json = (value: unknown): string => JSON.stringify(value);

/**
 * What a client puts in front of the model for a tool result: the text of its content blocks (other blocks as
 * JSON). `structuredContent`, which servers often send as a second copy of the same data, is not counted, so the
 * classic column is a conservative estimate.
 */
export function resultText(result: unknown): string {
  const content = (result as { content?: unknown } | null)?.content;
  if (!Array.isArray(content)) return json(result);
  return content
    .map((block: { type?: unknown; text?: unknown }) =>
      block.type === "text" && typeof block.text === "string" ? block.text : json(block),
    )
    .join("\n");
}

/**
 * Builds the ledger from what actually happened.
 *
 * @param input.toolDefinitions - every tool of the connected servers as a model would receive it
 * @param input.calls - the calls the program made, recorded at the MCP client
 * @param input.manifest - the registry's one-line-per-server manifest
 * @param input.signatures - the TypeScript signatures of the tools the program used
 * @param input.program - the program's source
 * @param input.output - what the program returned and logged, after filtering
 */
export function buildLedger(input: {
  toolDefinitions: readonly unknown[];
  calls: readonly RecordedCall[];
  manifest: string;
  signatures: readonly string[];
  program: string;
  output: unknown;
}): TokenLedger {
  const classic: LedgerLine[] = [
    {
      item: `${input.toolDefinitions.length} tool definitions, up front (counted once)`,
      tokens: countTokens(json(input.toolDefinitions)),
    },
  ];
  for (const call of input.calls) {
    classic.push({
      item: `${call.tool}: arguments written by the model + result read back`,
      tokens: countTokens(json(call.arguments)) + countTokens(resultText(call.result)),
    });
  }
  const codeMode: LedgerLine[] = [
    { item: "manifest (one line per server)", tokens: countTokens(input.manifest) },
    { item: `${input.signatures.length} signatures used`, tokens: countTokens(input.signatures.join("\n")) },
    { item: "the program", tokens: countTokens(input.program) },
    { item: "its output and logs (filtered)", tokens: countTokens(json(input.output)) },
  ];
  const classicTotal = classic.reduce((sum, line) => sum + line.tokens, 0);
  const codeModeTotal = codeMode.reduce((sum, line) => sum + line.tokens, 0);
  return { classic, codeMode, classicTotal, codeModeTotal, reduction: 1 - codeModeTotal / classicTotal };
}

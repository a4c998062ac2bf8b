/**
 * The npm tools a user would pick to keep secrets and personal data out of text, wrapped to the same shape: take the
 * document's JSON text, return the text they would let through (redactors) or the ranges they flag (linters).
 */

import { OpenRedaction } from "@openredaction/openredaction";
import { Redactor } from "@redactpii/node";
import { lintSource } from "@secretlint/core";
import { creator as secretlintRecommended } from "@secretlint/secretlint-rule-preset-recommend";

export interface PeerResult {
  /** Text after redaction (redactors), or undefined for detect-only tools. */
  output?: string;
  /** Flagged ranges in the input (detect-only tools). */
  ranges?: Array<[number, number]>;
}

export interface Peer {
  name: string;
  run(text: string): Promise<PeerResult> | PeerResult;
}

export function createPeers(): Peer[] {
  const redactpii = new Redactor();
  const openredaction = new OpenRedaction();
  return [
    {
      name: "secretlint 11 (preset-recommend)",
      async run(text) {
        const result = await lintSource({
          source: { filePath: "/document.json", content: text, contentType: "text", ext: ".json" },
          options: {
            config: { rules: [{ id: "@secretlint/secretlint-rule-preset-recommend", rule: secretlintRecommended }] },
          },
        });
        return { ranges: result.messages.map((m) => [m.range[0], m.range[1]] as [number, number]) };
      },
    },
    { name: "@redactpii/node 1", run: (text) => ({ output: redactpii.redact(text) }) },
    { name: "@openredaction/openredaction 1", run: (text) => ({ output: openredaction.detect(text).redacted }) },
  ];
}

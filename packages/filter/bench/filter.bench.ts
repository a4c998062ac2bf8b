import { bench, describe } from "vitest";
import { createFilterPipeline, createTokenVault } from "../src/index.js";
import { buildDocument } from "../test/fixtures/document.js";
import { createPeers } from "./peers.js";

// The ~1 MB CRM-like document with planted secrets and personal data (see test/fixtures/document.ts), given to each
// tool as the parsed value (what a tool result is when it reaches the filter) and as JSON text: text tools given the
// value pay JSON.stringify first (and JSON.parse after, for redactors); `apply` given text pays JSON.parse first and
// JSON.stringify after. The README's table comes from `npm run compare`, which interleaves the baseline with each
// tool and reports medians.
const document = buildDocument();
const redact = createFilterPipeline({ maxBytes: 64 * 1024 * 1024 });
const tokenize = createFilterPipeline({ maxBytes: 64 * 1024 * 1024, vault: createTokenVault() });
const peers = createPeers().filter((peer) => !peer.name.startsWith("@openredaction")); // ~2 min per MB

describe(`filter a ${(document.text.length / 1e6).toFixed(2)} MB document given as a value`, () => {
  bench("baseline: JSON.parse + JSON.stringify", () => {
    JSON.stringify(JSON.parse(document.text));
  });
  bench("@athena/filter apply (redact)", () => {
    redact.apply(document.data);
  });
  bench("@athena/filter apply (tokenize PII)", () => {
    tokenize.apply(document.data);
  });
  for (const peer of peers) {
    bench(`${peer.name} (JSON.stringify first)`, async () => {
      const result = await peer.run(JSON.stringify(document.data));
      if (result.output !== undefined) JSON.parse(result.output);
    });
  }
});

describe(`filter a ${(document.text.length / 1e6).toFixed(2)} MB document given as JSON text`, () => {
  bench("baseline: JSON.parse + JSON.stringify", () => {
    JSON.stringify(JSON.parse(document.text));
  });
  bench("@athena/filter apply (redact), with JSON.parse and JSON.stringify", () => {
    JSON.stringify(redact.apply(JSON.parse(document.text)).data);
  });
  for (const peer of peers) {
    bench(peer.name, async () => {
      await peer.run(document.text);
    });
  }
});

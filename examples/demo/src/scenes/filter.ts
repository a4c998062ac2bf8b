import { createFilterPipeline, createTokenVault } from "@athena/filter";
import type { Scene } from "../scene.js";

/**
 * @athena/filter in a few seconds: a double-encoded tool result full of secrets and personal data is filtered before a
 * model sees it; personal data becomes vault tokens that are restored when the model's next call goes to a tool.
 */
export const scene: Scene = {
  name: "@athena/filter",
  async run() {
    const vault = createTokenVault();
    const filter = createFilterPipeline({ vault, maxBytes: 4_096 });
    const toolResult = {
      content: [
        {
          type: "text",
          text: JSON.stringify({
            customer: { email: "ada@example.com", phone: "+44 20 7946 0958", card: "4111 1111 1111 1111" },
            config: "STRIPE_SECRET_KEY=sk_live_4eC39HqLyjWDarjtT1zdp7dc\nDB_PASSWORD=Tr0ub4dor&3",
            log: "GET /v1/orders?api_key=8d3f0c2a9b7e4d1f from 203.0.113.7",
          }),
        },
      ],
      orders: Array.from({ length: 500 }, (_, i) => ({ id: i + 1, total: (i * 37) % 500 })),
    };
    const result = filter.apply(toolResult);
    const seen = JSON.stringify(result.data);
    const leaked = [
      "ada@example.com",
      "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
      "Tr0ub4dor&3",
      "4111 1111 1111 1111",
      "203.0.113.7",
    ].filter((secret) => seen.includes(secret));
    const nextCall = vault.detokenize({ to: "[EMAIL_1]", subject: "Your order" }) as { to: string };
    const ok =
      leaked.length === 0 && result.truncated && result.filteredSizeBytes <= 4_096 && nextCall.to === "ada@example.com";
    const types = [...new Set(result.findings.map((f) => f.type))].join(", ");
    return {
      ok,
      lines: [
        `${result.findings.length} findings (${types}), ${result.originalSizeBytes} → ${result.filteredSizeBytes} bytes`,
        `the model sees: ${JSON.parse(seen).content[0].text.slice(0, 110)}…`,
        `long array kept as its first items plus "${JSON.parse(seen).orders.at(-1)}"`,
        `the next tool call gets { to: "${nextCall.to}" } back from the vault`,
        leaked.length === 0 ? "nothing sensitive leaked" : `LEAKED: ${leaked.join(", ")}`,
      ],
    };
  },
};

import { createSandboxPool, createWasmSandbox } from "@athena/sandbox-wasm";
import type { Scene } from "../scene.js";

/**
 * @athena/sandbox-wasm in a few seconds: an agent's TypeScript program calls two tools concurrently and returns only
 * a summary; a hostile loop is stopped by its instruction budget; in the pool, a builtin that ignores interrupts is
 * stopped by terminating its worker.
 */
export const scene: Scene = {
  name: "@athena/sandbox-wasm",
  async run() {
    const lines: string[] = [];
    const orders = [
      { id: 1, customer: "ada@example.com", total: 120 },
      { id: 2, customer: "bob@example.com", total: 80 },
      { id: 3, customer: "ada@example.com", total: 45 },
    ];
    const sandbox = await createWasmSandbox({
      timeoutMs: 2000,
      tools: {
        shop: {
          listOrders: async () => orders,
          refundPolicy: async () => ({ maxRefund: 100 }),
        },
      },
    });
    try {
      const agentCode = `
        interface Order { id: number; customer: string; total: number }
        const [list, policy] = await Promise.all([tools.shop.listOrders(), tools.shop.refundPolicy()]);
        const big = (list as Order[]).filter((o) => o.total > policy.maxRefund);
        console.log(\`checked \${list.length} orders\`);
        return { needsApproval: big.map((o) => o.id), total: list.reduce((s: number, o: Order) => s + o.total, 0) };
      `;
      const result = await sandbox.execute(agentCode);
      const expected = { needsApproval: [1], total: 245 };
      const summaryOk = result.success && JSON.stringify(result.output) === JSON.stringify(expected);
      lines.push(`agent program (TypeScript, 2 concurrent tool calls) → ${JSON.stringify(result.output)}`);
      lines.push(
        `  logs: ${result.logs.map((l) => l.message).join("; ")}; ${result.metrics.toolCalls} tool calls in ${result.metrics.wallMs.toFixed(1)} ms`,
      );

      const hostile = await sandbox.execute("while (true) { try {} catch (e) {} }");
      const hostileOk = !hostile.success && hostile.errors[0]?.kind === "instructions";
      lines.push(`hostile loop → ${hostile.errors[0]?.kind}: ${hostile.errors[0]?.message}`);

      const pool = await createSandboxPool({ size: 1, timeoutMs: 150 });
      try {
        const stuck = await pool.execute("return new Array(1e8).join('x').length;");
        const stuckOk = stuck.errors[0]?.kind === "timeout";
        lines.push(
          `pool: builtin ignoring interrupts → ${stuck.errors[0]?.kind} after ${stuck.metrics.wallMs.toFixed(0)} ms (worker replaced)`,
        );
        const after = await pool.execute("return 'still serving';");
        lines.push(`pool: next execution → ${JSON.stringify(after.output)}`);
        return { ok: summaryOk && hostileOk && stuckOk && after.output === "still serving", lines };
      } finally {
        await pool.dispose();
      }
    } finally {
      sandbox.dispose();
    }
  },
};

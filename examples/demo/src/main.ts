/**
 * `npm run demo`: runs every scene in order, prints what each did, and exits non-zero if any scene fails.
 * Colour only when stdout is a terminal (and NO_COLOR is unset).
 */
import type { Scene } from "./scene.js";
import { scene as adapters } from "./scenes/adapters.js";
import { scene as anomaly } from "./scenes/anomaly.js";
import { scene as chaos } from "./scenes/chaos.js";
import { scene as correlator } from "./scenes/correlator.js";
import { scene as filter } from "./scenes/filter.js";
import { scene as sandbox } from "./scenes/sandbox-wasm.js";

const scenes: Scene[] = [sandbox, adapters, filter, anomaly, correlator, chaos];
const colour = process.stdout.isTTY === true && !process.env.NO_COLOR;
const paint = (code: number, text: string): string => (colour ? `\u001b[${code}m${text}\u001b[0m` : text);

let failed = 0;
const started = performance.now();
for (const scene of scenes) {
  process.stdout.write(`${paint(1, `▶ ${scene.name}`)}\n`);
  try {
    const result = await scene.run();
    for (const line of result.lines) process.stdout.write(`  ${line}\n`);
    process.stdout.write(`  ${result.ok ? paint(32, "✔ pass") : paint(31, "✘ fail")}\n\n`);
    if (!result.ok) failed++;
  } catch (error) {
    failed++;
    process.stdout.write(
      `  ${paint(31, `✘ threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)}\n\n`,
    );
  }
}
const seconds = ((performance.now() - started) / 1000).toFixed(1);
process.stdout.write(`${scenes.length - failed}/${scenes.length} scenes passed in ${seconds} s\n`);
process.exitCode = failed === 0 ? 0 : 1;

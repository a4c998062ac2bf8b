/**
 * `npm run demo`: the flagship (code mode over real MCP servers) and then one short scene per service package.
 * Prints what each scene did, and exits non-zero if any scene fails. Colour and progress only when stdout is a
 * terminal.
 */
import type { Scene } from "./scene.js";
import { scene as adapters } from "./scenes/adapters.js";
import { scene as anomaly } from "./scenes/anomaly.js";
import { scene as chaos } from "./scenes/chaos.js";
import { scene as correlator } from "./scenes/correlator.js";
import { scene as filter } from "./scenes/filter.js";
import { scene as flagship } from "./scenes/flagship.js";
import { scene as sandbox } from "./scenes/sandbox-wasm.js";

const scenes: Scene[] = [flagship, anomaly, correlator, chaos, sandbox, adapters, filter];
const terminal = process.stdout.isTTY === true;
const colour = terminal && !process.env.NO_COLOR;
const paint = (code: number, text: string): string => (colour ? `\u001b[${code}m${text}\u001b[0m` : text);
const write = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

let failed = 0;
const started = performance.now();
for (const [index, scene] of scenes.entries()) {
  write(paint(1, `▶ [${index + 1}/${scenes.length}] ${scene.name}`));
  const sceneStarted = performance.now();
  try {
    // Progress lines only on a terminal; piped output gets the results alone.
    const result = await scene.run(terminal ? (line) => write(paint(2, `  … ${line}`)) : undefined);
    for (const line of result.lines) write(`  ${line}`);
    const took = `${((performance.now() - sceneStarted) / 1000).toFixed(1)} s`;
    write(`  ${result.ok ? paint(32, `✔ pass (${took})`) : paint(31, `✘ fail (${took})`)}\n`);
    if (!result.ok) failed++;
  } catch (error) {
    failed++;
    write(`  ${paint(31, `✘ threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)}\n`);
  }
}
const seconds = ((performance.now() - started) / 1000).toFixed(1);
write(`${scenes.length - failed}/${scenes.length} scenes passed in ${seconds} s`);
process.exitCode = failed === 0 ? 0 : 1;

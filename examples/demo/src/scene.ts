/** What one scene of the demo reports: the lines to print, and whether it did what it claims. */
export interface SceneResult {
  ok: boolean;
  lines: string[];
}

/**
 * One scene of the demo: a name and a function that runs it. A scene never prints; `main.ts` does, including the
 * progress lines a scene reports while it runs.
 */
export interface Scene {
  name: string;
  run(progress?: (line: string) => void): Promise<SceneResult>;
}

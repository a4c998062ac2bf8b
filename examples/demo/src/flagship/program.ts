/**
 * The scripted agent program: what a model would write in code mode for "read the meeting transcript, pull out the
 * action items and who owns them, remember them, and write a summary". It runs inside the sandbox; the transcript
 * never leaves it, and the e-mail addresses it sees are placeholders issued by the host's vault.
 */
export const agentProgram = `interface ActionItem { owner: string; email: string; task: string; due: string }
interface Input { transcriptPath: string; summaryPath: string }
const { transcriptPath, summaryPath } = input as Input;

// 1. Read the whole transcript through the filesystem server (it stays in the sandbox).
const file = await tools.filesystem.read_text_file({ path: transcriptPath });
const text: string = typeof file === "string" ? file : (file as { content: string }).content;

// 2. Extract the action items: "ACTION ITEM: <name> (<email>) will <task>, due <when>."
const items: ActionItem[] = [];
for (const line of text.split("\\n")) {
  const match = /ACTION ITEM: (.+?) \\((\\S+)\\) will (.+), due (.+)\\.$/.exec(line);
  if (match) items.push({ owner: match[1], email: match[2], task: match[3], due: match[4] });
}
const owners = new Map<string, string>();
for (const item of items) owners.set(item.owner, item.email);
console.log(\`read \${text.length} characters, found \${items.length} action items for \${owners.size} people\`);

// 3. Remember people, action items and who owns what in the memory server.
await tools.memory.create_entities({
  entities: [
    ...[...owners].map(([name, email]) => ({ name, entityType: "person", observations: [\`e-mail: \${email}\`] })),
    ...items.map((item, i) => ({ name: \`Action \${i + 1}\`, entityType: "action_item", observations: [item.task, \`due \${item.due}\`] })),
  ],
});
await tools.memory.create_relations({
  relations: items.map((item, i) => ({ from: item.owner, to: \`Action \${i + 1}\`, relationType: "owns" })),
});

// 4. Write the summary file, then check what the memory server now holds.
const summary = ["# Action items", "", ...items.map((item, i) => \`\${i + 1}. \${item.owner} <\${item.email}>: \${item.task} (due \${item.due})\`)].join("\\n");
await tools.filesystem.write_file({ path: summaryPath, content: summary + "\\n" });
const stored = await tools.memory.search_nodes({ query: "action_item" });

// 5. Return only what the model needs.
return {
  actionItems: items.length,
  stored: (stored as { entities: unknown[] }).entities.length,
  owners: [...owners].map(([name, email]) => ({ name, email, items: items.filter((item) => item.owner === name).length })),
  summaryFile: summaryPath,
};
`;

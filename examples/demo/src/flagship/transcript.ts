/**
 * A deterministic, synthetic meeting transcript: long enough (~50k tokens) that passing it through a model's context
 * is expensive, with action items naming people and their e-mail addresses buried in ordinary discussion.
 * All names and addresses are invented; domains are under `.example` (RFC 2606), so nothing real is ever contacted.
 */

/** One person in the meeting. */
export interface Participant {
  name: string;
  email: string;
  team: string;
}

/** An action item as planted in the transcript: the ground truth the demo checks the agent's program against. */
export interface PlantedActionItem {
  owner: Participant;
  task: string;
  due: string;
}

/** The generated transcript and what was planted in it. */
export interface Transcript {
  text: string;
  participants: Participant[];
  actionItems: PlantedActionItem[];
}

const people: Participant[] = [
  { name: "Amara Okafor", email: "amara.okafor@northwind.example", team: "Platform" },
  { name: "Bruno Alves", email: "bruno.alves@northwind.example", team: "Payments" },
  { name: "Chen Wei", email: "chen.wei@northwind.example", team: "Data" },
  { name: "Dana Kowalski", email: "dana.kowalski@northwind.example", team: "Security" },
  { name: "Elif Demir", email: "elif.demir@northwind.example", team: "Support" },
  { name: "Farid Haddad", email: "farid.haddad@contoso.example", team: "Partner engineering" },
  { name: "Greta Lindqvist", email: "greta.lindqvist@northwind.example", team: "Product" },
  { name: "Hiroshi Tanaka", email: "hiroshi.tanaka@northwind.example", team: "Mobile" },
];

const topics = [
  "the checkout latency regression",
  "the March release train",
  "the partner API rollout",
  "on-call load after the migration",
  "the data retention policy",
  "the mobile crash rate",
  "the quarterly security review",
  "customer escalations from the enterprise tier",
];

const chatter = [
  "I looked at the dashboards this morning and {topic} is still the thing everyone asks about.",
  "Before we go further on {topic}, can we agree on what done looks like?",
  "My worry with {topic} is that we keep fixing symptoms rather than the cause.",
  "We tried a smaller version of this last quarter and it mostly worked, with a couple of rough edges.",
  "I'd rather we ship something modest on time than something ambitious two weeks late.",
  "The numbers on {topic} moved a little, but honestly it is within the noise from week to week.",
  "Support has been fielding questions about {topic}, so whatever we decide, they need a short note.",
  "I can pair with whoever picks this up; I have context from the incident review.",
  "Let's not reopen the whole design, just the part about rollback.",
  "If we timebox it to a week we will at least know whether the approach holds up.",
  "The partner team asked for a written summary so they can plan their side of {topic}.",
  "Good point. I had not thought about what happens when the queue backs up during a deploy.",
  "That matches what I saw in the traces: most of the time goes into the retry loop.",
  "We should write down the assumption, otherwise we will argue about it again next month.",
  "I'm fine with that as long as we revisit it at the next planning session.",
];

const tasks = [
  "draft the rollback plan for {topic}",
  "send the written summary of {topic} to the partner team",
  "add alerting on the p95 of {topic}",
  "review the retention settings touched by {topic}",
  "book a follow-up with support about {topic}",
  "update the runbook for {topic}",
  "estimate the effort for {topic} before planning",
  "check the crash reports related to {topic}",
];

const days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "next Monday", "end of sprint"];

/** Mulberry32: a tiny seeded PRNG so the transcript is the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function stamp(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return [h, m, s].map((n) => String(n).padStart(2, "0")).join(":");
}

/**
 * Generates the transcript. About 4.3 characters make one o200k token in this prose, so the default target of
 * 215,000 characters is ~50,000 tokens.
 *
 * @param options - `seed` for the PRNG, `targetChars` for the length, `actionItems` for how many to plant
 */
export function generateTranscript(
  options: { seed?: number; targetChars?: number; actionItems?: number } = {},
): Transcript {
  const random = prng(options.seed ?? 20261122);
  const targetChars = options.targetChars ?? 215_000;
  const wanted = options.actionItems ?? 12;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

  const lines: string[] = [
    "Weekly engineering sync: transcript (auto-generated captions, lightly edited)",
    `Attendees: ${people.map((p) => `${p.name} <${p.email}>`).join(", ")}`,
    "",
  ];
  const actionItems: PlantedActionItem[] = [];
  let size = lines.join("\n").length;
  let seconds = 0;
  // Spread the action items evenly through the text so a program has to read all of it.
  const spacing = Math.floor(targetChars / (wanted + 1));
  let nextAction = spacing;
  while (size < targetChars) {
    const speaker = pick(people);
    const topic = pick(topics);
    seconds += 5 + Math.floor(random() * 40);
    let line: string;
    if (size >= nextAction && actionItems.length < wanted) {
      const owner = people[actionItems.length % people.length] as Participant;
      const task = pick(tasks).replace("{topic}", topic);
      const due = pick(days);
      actionItems.push({ owner, task, due });
      line = `[${stamp(seconds)}] ${speaker.name}: ACTION ITEM: ${owner.name} (${owner.email}) will ${task}, due ${due}.`;
      nextAction += spacing;
    } else {
      const count = 1 + Math.floor(random() * 3);
      const sentences = Array.from({ length: count }, () => pick(chatter).replace("{topic}", topic));
      line = `[${stamp(seconds)}] ${speaker.name}: ${sentences.join(" ")}`;
    }
    lines.push(line);
    size += line.length + 1;
  }
  return { text: `${lines.join("\n")}\n`, participants: people, actionItems };
}

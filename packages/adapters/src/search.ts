/**
 * A small ranked search over tools: terms from the query are matched against each tool's name, server, title, tags
 * and description (split on case, `_`, `-`, punctuation; plural and -ing/-ed endings folded), weighted by field and
 * by how rare the term is among the tools, then scaled by how many of the query's terms matched and by how much of
 * the tool's name the query covers. Deprecated tools score half.
 */

const stopwords = new Set(
  "a an and are as at be by can do does for from how i in is it me my of on or that the this to tool tools use using with what which".split(
    " ",
  ),
);

/** Splits text into lower-case stems. */
export function terms(text: string): string[] {
  const out: string[] = [];
  const spaced = text.replace(/([a-z0-9])([A-Z])/g, "$1 $2");
  for (const raw of spaced.toLowerCase().split(/[^a-z0-9]+/)) {
    if (raw === "" || stopwords.has(raw)) continue;
    out.push(stem(raw));
  }
  return out;
}

function stem(word: string): string {
  if (word.length > 4 && word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  if (word.length > 5 && word.endsWith("ing")) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith("ed")) return word.slice(0, -2);
  if (
    word.length > 4 &&
    (word.endsWith("ches") || word.endsWith("shes") || word.endsWith("xes") || word.endsWith("sses"))
  ) {
    return word.slice(0, -2);
  }
  if (word.length > 3 && word.endsWith("s") && !word.endsWith("ss")) return word.slice(0, -1);
  return word;
}

/** What the index knows of one tool. */
export interface SearchDocument {
  id: string;
  server: string;
  name: string;
  title: string;
  tags: readonly string[];
  description: string;
  deprecated: boolean;
}

interface Indexed {
  doc: SearchDocument;
  fields: { weight: number; terms: Set<string> }[];
}

const weights = { name: 4, server: 2, title: 2, tags: 2, description: 1 } as const;

/** A built search index. */
export interface SearchIndex {
  /** Tool ids with scores, best first; only tools with a positive score. */
  query(text: string, limit: number): { id: string; score: number }[];
}

function matchStrength(term: string, field: Set<string>): number {
  if (field.has(term)) return 1;
  if (term.length < 4) return 0;
  for (const candidate of field) {
    if (candidate.length >= 4 && (candidate.startsWith(term) || term.startsWith(candidate))) return 0.6;
  }
  return 0;
}

/**
 * Builds an index over `documents`.
 *
 * @param documents - the tools
 * @returns an index to query
 */
export function buildSearchIndex(documents: readonly SearchDocument[]): SearchIndex {
  const indexed: Indexed[] = documents.map((doc) => ({
    doc,
    fields: [
      { weight: weights.name, terms: new Set(terms(doc.name)) },
      { weight: weights.server, terms: new Set(terms(doc.server)) },
      { weight: weights.title, terms: new Set(terms(doc.title)) },
      { weight: weights.tags, terms: new Set(doc.tags.flatMap(terms)) },
      { weight: weights.description, terms: new Set(terms(doc.description)) },
    ],
  }));
  const documentFrequency = new Map<string, number>();
  for (const entry of indexed) {
    const seen = new Set<string>();
    for (const field of entry.fields) for (const term of field.terms) seen.add(term);
    for (const term of seen) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  }
  const total = Math.max(indexed.length, 1);
  const idf = (term: string): number => {
    let frequency = documentFrequency.get(term) ?? 0;
    if (frequency === 0) {
      // Prefix matches: use the rarest related term's frequency.
      for (const [candidate, count] of documentFrequency) {
        if (candidate.length >= 4 && term.length >= 4 && (candidate.startsWith(term) || term.startsWith(candidate))) {
          frequency = Math.max(frequency, count);
        }
      }
    }
    return Math.log(1 + (total - frequency + 0.5) / (frequency + 0.5));
  };
  return {
    query(text: string, limit: number): { id: string; score: number }[] {
      const queryTerms = [...new Set(terms(text))];
      const lowered = text.trim().toLowerCase();
      if (queryTerms.length === 0 && lowered === "") return [];
      const scored: { id: string; score: number }[] = [];
      for (const entry of indexed) {
        let score = 0;
        let matched = 0;
        for (const term of queryTerms) {
          let best = 0;
          for (const field of entry.fields) best = Math.max(best, field.weight * matchStrength(term, field.terms));
          let sum = 0;
          for (const field of entry.fields) sum += field.weight * matchStrength(term, field.terms);
          if (best > 0) {
            matched++;
            score += idf(term) * (best + 0.25 * (sum - best));
          }
        }
        if (queryTerms.length > 0) score *= (matched / queryTerms.length) ** 2;
        // Prefer the tool whose name the query covers best: "list directory" → list_directory over
        // list_directory_with_sizes.
        const nameTerms = entry.fields[0]?.terms ?? new Set<string>();
        if (nameTerms.size > 0 && score > 0) {
          let covered = 0;
          for (const term of nameTerms) if (queryTerms.some((q) => matchStrength(q, new Set([term])) > 0)) covered++;
          score *= 1 + 0.5 * (covered / nameTerms.size);
        }
        const id = entry.doc.id.toLowerCase();
        if (lowered === id || lowered === entry.doc.name.toLowerCase()) score += 10;
        if (entry.doc.deprecated) score *= 0.5;
        if (score > 0) scored.push({ id: entry.doc.id, score: Math.round(score * 1000) / 1000 });
      }
      scored.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      return scored.slice(0, limit);
    },
  };
}

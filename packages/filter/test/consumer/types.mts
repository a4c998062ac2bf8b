// Type-checked by the consumer test against the published declarations of @athena/filter.
import {
  type ActionSetting,
  createDataTokenizer,
  createFilterPipeline,
  createResultCompressor,
  createSensitiveFieldDetector,
  createTokenVault,
  type DataFilter,
  FilterError,
  type FilterErrorCode,
  type FilterFinding,
  type FilterPipeline,
  type FilterPipelineOptions,
  type FilterResult,
  isFilterError,
  listSensitiveTypes,
  type SensitiveTypeInfo,
  type TextMatch,
  type TokenVault,
} from "@athena/filter";

const code: FilterErrorCode = "INVALID_OPTIONS";
const error: FilterError = new FilterError(code, "typed");
export const recognised: boolean = isFilterError(error);

const vault: TokenVault = createTokenVault({ maxEntries: 10 });
const actions: Record<string, ActionSetting> = { pii: "tokenize", ipv4: "off" };
const options: FilterPipelineOptions = { vault, actions, maxBytes: 4096 };
const pipeline: FilterPipeline = createFilterPipeline(options);
const stage: DataFilter = { name: "noop", apply: (value) => value };
pipeline.addFilter(stage, { before: "size-limit" });
const result: FilterResult = pipeline.apply({ email: "ada@example.com" });
export const findings: readonly FilterFinding[] = result.findings;
export const sizes: number = result.originalSizeBytes + result.filteredSizeBytes;
export const matches: TextMatch[] = createSensitiveFieldDetector().scanText("AKIAZ7Q2RL5XW3MNBV4P");
export const restored: unknown = createDataTokenizer({ vault }).detokenize(result.data);
export const packed: Uint8Array = createResultCompressor({ level: 9 }).compress(result.data);
export const types: SensitiveTypeInfo[] = listSensitiveTypes();
// Structurally the seams other packages declare.
interface OutputFilter {
  apply(value: unknown): {
    data: unknown;
    wasFiltered: boolean;
    originalSizeBytes: number;
    filteredSizeBytes: number;
    findings: readonly { path: string; type: string; action: string }[];
  };
}
interface PrivacyVault {
  tokenize(value: unknown): unknown;
  detokenize(value: unknown): unknown;
}
export const asOutputFilter: OutputFilter = pipeline;
export const asPrivacyVault: PrivacyVault = vault;

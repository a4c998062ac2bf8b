// Run by the consumer test in a fresh project where @athena/filter was installed from its npm tarball.
import {
  createFilterPipeline,
  createResultCompressor,
  createTokenVault,
  FilterError,
  isFilterError,
  listSensitiveTypes,
} from "@athena/filter";

const vault = createTokenVault();
const pipeline = createFilterPipeline({ vault, maxBytes: 2_000 });
const result = pipeline.apply({
  user: { email: "ada@example.com", password: "hunter2" },
  note: "key AKIAZ7Q2RL5XW3MNBV4P, card 4111 1111 1111 1111",
  rows: Array.from({ length: 500 }, (_, i) => i),
});
const text = JSON.stringify(result.data);
if (text.includes("ada@example.com") || text.includes("hunter2") || text.includes("AKIAZ7Q2RL5XW3MNBV4P"))
  throw new Error(`secret leaked: ${text}`);
if (!result.truncated || result.filteredSizeBytes > 2_000) throw new Error("size cap not applied");
if (result.filteredSizeBytes !== new TextEncoder().encode(text).length) throw new Error("size not exact");
const restored = vault.detokenize(result.data);
if (restored.user.email !== "ada@example.com") throw new Error("detokenize did not restore the e-mail");
const compressor = createResultCompressor();
if (compressor.decompress(compressor.compress({ a: [1, 2] })).a[1] !== 2) throw new Error("compression round trip");
if (listSensitiveTypes().length < 40) throw new Error("type list too short");
const error = new FilterError("INVALID_OPTIONS", "smoke");
if (!isFilterError(error) || error.code !== "INVALID_OPTIONS") throw new Error("FilterError does not round-trip");
try {
  createFilterPipeline({ maxBytes: 1 });
  throw new Error("bad options accepted");
} catch (caught) {
  if (!isFilterError(caught)) throw caught;
}
console.log("@athena/filter ok");

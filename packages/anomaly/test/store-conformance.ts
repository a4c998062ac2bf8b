/**
 * The shared conformance suite every ProfileStore implementation passes (memory here, Redis in redis.test.ts).
 */
import { expect, it } from "vitest";
import { type AsyncProfileStore, PROFILE_RECORD_LENGTH, type ProfileStore } from "../src/index.js";

export function profileStoreConformance(
  make: () => ProfileStore | AsyncProfileStore | Promise<AsyncProfileStore>,
): void {
  const now = Date.UTC(2025, 0, 6);

  it("hands a new user an all-zero record and keeps what the mutator wrote", async () => {
    const store = await make();
    let seen: number[] = [];
    await store.update("conf-a", now, (record, offset) => {
      seen = Array.from(record.subarray(offset, offset + PROFILE_RECORD_LENGTH));
      record[offset] = 1;
      record[offset + 5] = 42;
      record[offset + PROFILE_RECORD_LENGTH - 1] = -7.5;
    });
    expect(seen).toEqual(new Array(PROFILE_RECORD_LENGTH).fill(0));
    const copy = await store.read("conf-a", now);
    expect(copy?.length).toBe(PROFILE_RECORD_LENGTH);
    expect(copy?.[5]).toBe(42);
    expect(copy?.[PROFILE_RECORD_LENGTH - 1]).toBe(-7.5);
    await store.dispose();
  });

  it("read returns a copy, not the live record", async () => {
    const store = await make();
    await store.update("conf-b", now, (record, offset) => {
      record[offset] = 1;
      record[offset + 3] = 3;
    });
    const copy = await store.read("conf-b", now);
    if (copy) copy[3] = 99;
    expect((await store.read("conf-b", now))?.[3]).toBe(3);
    await store.dispose();
  });

  it("applies successive updates to the same record and isolates users", async () => {
    const store = await make();
    for (let i = 0; i < 10; i++)
      await store.update("conf-c", now + i, (record, offset) => {
        record[offset] = 1;
        record[offset + 1] = (record[offset + 1] ?? 0) + 1;
      });
    await store.update("conf-d", now, (record, offset) => {
      record[offset] = 1;
    });
    expect((await store.read("conf-c", now + 10))?.[1]).toBe(10);
    expect((await store.read("conf-d", now))?.[1]).toBe(0);
    await store.dispose();
  });

  it("forgets deleted users and reports unknown ones as undefined", async () => {
    const store = await make();
    await store.update("conf-e", now, (record, offset) => {
      record[offset] = 1;
    });
    expect(await store.delete("conf-e")).toBe(true);
    expect(await store.delete("conf-e")).toBe(false);
    expect(await store.read("conf-e", now)).toBeUndefined();
    expect(await store.read("conf-never", now)).toBeUndefined();
    await store.dispose();
  });

  it("rejects use after dispose with DISPOSED, and dispose is idempotent", async () => {
    const store = await make();
    await store.dispose();
    await store.dispose();
    await expect(
      (async () => {
        await store.update("conf-f", now, () => {});
      })(),
    ).rejects.toMatchObject({ code: "DISPOSED" });
  });
}

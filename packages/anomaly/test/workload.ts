/**
 * A seeded, labelled synthetic request workload for the detector: users with daily and weekly rhythms, per-minute
 * noise and page-load bursts (normal), plus injected episodes (anomalous): credential-stuffing spikes, bots, slow
 * ramps, off-hours and off-day sessions. The same seed always gives the same requests.
 */

export const MINUTE: number = 60_000;
export const HOUR: number = 3_600_000;
export const DAY: number = 86_400_000;
/** Monday 2025-01-06 00:00 UTC: day 0 of every workload. */
export const EPOCH: number = Date.UTC(2025, 0, 6);

/** mulberry32: a tiny, fast, seedable PRNG (good enough for workloads, not for cryptography). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Standard normal by Box–Muller. */
export function gaussian(random: () => number): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Poisson arrival times at `perMinute` requests per minute in [start, end), appended to `out`. */
export function poisson(random: () => number, start: number, end: number, perMinute: number, out: number[]): void {
  if (perMinute <= 0) return;
  let t = start;
  for (;;) {
    t += (-Math.log(1 - random()) / perMinute) * MINUTE;
    if (t >= end) return;
    out.push(Math.floor(t));
  }
}

export type EpisodeKind = "credential-stuffing" | "bot" | "slow-ramp" | "off-hours" | "off-day";

export interface Episode {
  kind: EpisodeKind;
  start: number;
  end: number;
}

export interface Request {
  t: number;
  endpoint: string;
  size: number;
  /** Index into the user's episodes, or -1 for normal traffic. */
  episode: number;
}

export interface SyntheticUser {
  id: string;
  archetype: "office" | "evening" | "service";
  ratePerMinute: number;
  requests: Request[];
  episodes: Episode[];
}

export interface WorkloadOptions {
  seed: number;
  users: number;
  days: number;
  /** Episodes start on or after this day (earlier days are clean training). */
  firstEpisodeDay: number;
  /** Share of users with one anomalous episode. */
  anomalousShare: number;
}

const ENDPOINTS = Array.from({ length: 40 }, (_, i) => `/api/v1/resource-${i}`);

interface Session {
  start: number;
  end: number;
}

/** The user's normal sessions for one day. */
function sessionsOf(
  user: Omit<SyntheticUser, "requests" | "episodes">,
  day: number,
  offsetHours: number,
  random: () => number,
): Session[] {
  const dayStart = EPOCH + day * DAY;
  const weekday = (day % 7) + 1; // day 0 is a Monday → 1
  const isWeekend = weekday === 6 || weekday === 7;
  const out: Session[] = [];
  const at = (hour: number, minutes: number): Session => {
    const start = dayStart + (hour - offsetHours) * HOUR + Math.floor(random() * 30) * MINUTE;
    return { start, end: start + minutes * MINUTE };
  };
  if (user.archetype === "office") {
    if (isWeekend || random() < 0.05) return out; // weekdays only (and a sick day now and then)
    out.push(at(9 + random() * 1.5, 20 + random() * 60));
    out.push(at(13 + random() * 2, 20 + random() * 60));
    if (random() < 0.5) out.push(at(15.5 + random(), 15 + random() * 30));
  } else if (user.archetype === "evening") {
    if (random() < 0.15) return out;
    out.push(at(19 + random() * 2, 30 + random() * 60));
  } else {
    // A service account polling around the clock.
    for (let h = 0; h < 24; h += 6) out.push(at(h, 90 + random() * 60));
  }
  return out;
}

/** Generate the whole labelled workload (for small ones; large ones go user by user with {@link generateUser}). */
export function generateWorkload(options: WorkloadOptions): SyntheticUser[] {
  return Array.from({ length: options.users }, (_, u) => generateUser(options, u));
}

/** Generate user number `u` of the workload; its requests are sorted by time. */
export function generateUser(options: WorkloadOptions, u: number): SyntheticUser {
  {
    const random = rng(options.seed * 1_000_003 + u);
    const pick = random();
    const archetype: SyntheticUser["archetype"] = pick < 0.6 ? "office" : pick < 0.9 ? "evening" : "service";
    const ratePerMinute = Math.min(30, Math.max(0.5, Math.exp(0.7 + 0.8 * gaussian(random))));
    const offsetHours = Math.floor(random() * 24) - 12; // the user's time zone
    const own = Array.from(
      { length: 3 + Math.floor(random() * 6) },
      () => ENDPOINTS[Math.floor(random() * 40)] as string,
    );
    const sizeMu = 5 + random() * 3;
    const base = { id: `user-${u}`, archetype, ratePerMinute };
    const requests: Request[] = [];
    const times: number[] = [];
    const usedHours = new Set<number>();
    const usedDays = new Set<number>();
    const normalRequest = (t: number): Request => ({
      t,
      endpoint: own[Math.floor(random() * own.length)] as string,
      size: Math.round(Math.exp(sizeMu + 0.5 * gaussian(random))),
      episode: -1,
    });
    let usualSession: Session | undefined;
    for (let day = 0; day < options.days; day++) {
      for (const session of sessionsOf(base, day, offsetHours, random)) {
        usualSession ??= session;
        for (let m = session.start; m < session.end; m += MINUTE) {
          const steady = archetype === "service";
          const factor = Math.exp((steady ? 0.1 : 0.3) * gaussian(random)); // minute-to-minute variation
          times.length = 0;
          poisson(random, m, Math.min(m + MINUTE, session.end), ratePerMinute * factor, times);
          if (!steady && random() < 0.03) {
            // a page load: a handful of requests within a few seconds
            const at = m + Math.floor(random() * 50_000);
            const extra = 2 + Math.floor(random() * 4);
            for (let i = 0; i < extra; i++) times.push(at + Math.floor(random() * 3_000));
          }
          for (const t of times) requests.push(normalRequest(t));
          usedHours.add(new Date(m).getUTCHours());
          usedDays.add(new Date(m).getUTCDay());
        }
      }
    }

    const episodes: Episode[] = [];
    if (random() < options.anomalousShare && usualSession) {
      const kindPick = random();
      let kind: EpisodeKind =
        kindPick < 0.3
          ? "credential-stuffing"
          : kindPick < 0.5
            ? "bot"
            : kindPick < 0.7
              ? "slow-ramp"
              : kindPick < 0.85
                ? "off-hours"
                : "off-day";
      // Only users with a day of the week they never use can deviate from it; only users with idle hours can be
      // active off-hours.
      if (kind === "off-day" && usedDays.size === 7) kind = "off-hours";
      if (kind === "off-hours" && usedHours.size > 20) kind = "bot";
      const day = options.firstEpisodeDay + Math.floor(random() * (options.days - options.firstEpisodeDay - 1));
      const usualStart = EPOCH + day * DAY + ((usualSession.start - EPOCH) % DAY);
      const index = episodes.length;
      const push = (t: number, endpoint: string, size: number): void => {
        requests.push({ t, endpoint, size, episode: index });
      };
      if (kind === "credential-stuffing") {
        const start = usualStart + Math.floor(random() * 30) * MINUTE;
        const end = start + (3 + Math.floor(random() * 12)) * MINUTE;
        const rate = Math.max(10 * ratePerMinute, 60) * (1 + random() * 3);
        times.length = 0;
        poisson(random, start, end, rate, times);
        for (const t of times) push(t, "/login", 200 + Math.floor(random() * 100));
        episodes.push({ kind, start, end });
      } else if (kind === "bot") {
        const start = EPOCH + day * DAY + Math.floor(random() * 24 * 60) * MINUTE;
        const end = start + (30 + Math.floor(random() * 90)) * MINUTE;
        const rate = Math.max(5 * ratePerMinute, 20);
        const gap = MINUTE / rate;
        for (let t = start; t < end; t += gap * (0.9 + 0.2 * random())) push(Math.floor(t), "/api/v1/export", 150);
        episodes.push({ kind, start, end });
      } else if (kind === "slow-ramp") {
        const start = usualStart;
        const minutes = 30 + Math.floor(random() * 30);
        const end = start + minutes * MINUTE;
        // The ramp replaces the user's own traffic in its window (a script slowly turned up in the user's session).
        for (let i = requests.length - 1; i >= 0; i--) {
          const t = (requests[i] as Request).t;
          if (t >= start && t < end) requests.splice(i, 1);
        }
        for (let m = 0; m < minutes; m++) {
          times.length = 0;
          poisson(random, start + m * MINUTE, start + (m + 1) * MINUTE, ratePerMinute * 1.05 ** m, times);
          for (const t of times) push(t, own[0] as string, 400);
        }
        episodes.push({ kind, start, end });
      } else if (kind === "off-hours" || kind === "off-day") {
        let start: number;
        if (kind === "off-hours") {
          // The hour (UTC) farthest from anything the user does.
          let best = 0;
          let bestDistance = -1;
          for (let h = 0; h < 24; h++) {
            let distance = 24;
            for (const used of usedHours) distance = Math.min(distance, Math.abs(h - used), 24 - Math.abs(h - used));
            if (distance > bestDistance) {
              bestDistance = distance;
              best = h;
            }
          }
          start = EPOCH + day * DAY + best * HOUR + Math.floor(random() * 20) * MINUTE;
        } else {
          // The user's usual time of day on a day of the week the user never uses (or any day for 7-day users).
          let target = day;
          for (let d = day; d < day + 7; d++) {
            if (!usedDays.has(new Date(EPOCH + d * DAY).getUTCDay())) {
              target = d;
              break;
            }
          }
          start = EPOCH + target * DAY + ((usualSession.start - EPOCH) % DAY);
        }
        const end = start + (20 + Math.floor(random() * 40)) * MINUTE;
        times.length = 0;
        poisson(random, start, end, ratePerMinute, times);
        for (const t of times) push(t, own[Math.floor(random() * own.length)] as string, 300);
        episodes.push({ kind, start, end });
      }
      // Normal traffic inside a takeover episode is the attacker's: relabel it.
      const episode = episodes[index];
      if (episode) {
        for (const r of requests) if (r.episode === -1 && r.t >= episode.start && r.t < episode.end) r.episode = index;
      }
    }
    requests.sort((a, b) => a.t - b.t);
    return { ...base, requests, episodes };
  }
}

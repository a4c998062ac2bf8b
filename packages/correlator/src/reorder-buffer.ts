import type { SecurityEvent } from "./event.js";

/**
 * Holds events until the watermark passes them, then releases them in event-time order (ties in arrival order).
 *
 * Events that arrive in order (the common case) go to a FIFO queue at O(1); stragglers go to a binary min-heap at
 * O(log n). Releasing merges the two heads.
 */
export class ReorderBuffer {
  private queue: (SecurityEvent | undefined)[] = [];
  private queueSeq: number[] = [];
  private queueStart = 0;
  private heap: SecurityEvent[] = [];
  private heapSeq: number[] = [];
  private seq = 0;

  /** How many events are held. */
  get size(): number {
    return this.queue.length - this.queueStart + this.heap.length;
  }

  /**
   * Adds an event.
   *
   * @param event - a validated event
   */
  push(event: SecurityEvent): void {
    const seq = this.seq++;
    const n = this.queue.length;
    if (n === this.queueStart || (this.queue[n - 1] as SecurityEvent).timestamp <= event.timestamp) {
      this.queue.push(event);
      this.queueSeq.push(seq);
      return;
    }
    this.heapPush(event, seq);
  }

  /**
   * The earliest held event time, or `Infinity` when empty.
   *
   * @returns event time in ms
   */
  peekTime(): number {
    const q = this.queueStart < this.queue.length ? (this.queue[this.queueStart] as SecurityEvent).timestamp : Infinity;
    const h = this.heap.length > 0 ? (this.heap[0] as SecurityEvent).timestamp : Infinity;
    return q < h ? q : h;
  }

  /**
   * Removes and returns the earliest event (ties: the one that arrived first), or `undefined` when empty.
   *
   * @returns the event
   */
  shift(): SecurityEvent | undefined {
    const hasQueue = this.queueStart < this.queue.length;
    const hasHeap = this.heap.length > 0;
    if (!hasQueue && !hasHeap) return undefined;
    let fromQueue = hasQueue;
    if (hasQueue && hasHeap) {
      const q = this.queue[this.queueStart] as SecurityEvent;
      const h = this.heap[0] as SecurityEvent;
      fromQueue =
        q.timestamp < h.timestamp ||
        (q.timestamp === h.timestamp && (this.queueSeq[this.queueStart] as number) < (this.heapSeq[0] as number));
    }
    if (!fromQueue) return this.heapPop();
    const event = this.queue[this.queueStart] as SecurityEvent;
    this.queue[this.queueStart] = undefined;
    this.queueStart++;
    if (this.queueStart === this.queue.length) {
      this.queue = [];
      this.queueSeq = [];
      this.queueStart = 0;
    } else if (this.queueStart >= 1024 && this.queueStart * 2 >= this.queue.length) {
      this.queue = this.queue.slice(this.queueStart);
      this.queueSeq = this.queueSeq.slice(this.queueStart);
      this.queueStart = 0;
    }
    return event;
  }

  /**
   * Every held event in release order, without removing them.
   *
   * @returns the events
   */
  toArray(): SecurityEvent[] {
    const entries: [SecurityEvent, number][] = [];
    for (let i = this.queueStart; i < this.queue.length; i++)
      entries.push([this.queue[i] as SecurityEvent, this.queueSeq[i] as number]);
    for (let i = 0; i < this.heap.length; i++) entries.push([this.heap[i] as SecurityEvent, this.heapSeq[i] as number]);
    entries.sort((a, b) => a[0].timestamp - b[0].timestamp || a[1] - b[1]);
    return entries.map(([event]) => event);
  }

  /** Drops every held event. */
  clear(): void {
    this.queue = [];
    this.queueSeq = [];
    this.queueStart = 0;
    this.heap = [];
    this.heapSeq = [];
  }

  private less(a: number, b: number): boolean {
    const ta = (this.heap[a] as SecurityEvent).timestamp;
    const tb = (this.heap[b] as SecurityEvent).timestamp;
    return ta < tb || (ta === tb && (this.heapSeq[a] as number) < (this.heapSeq[b] as number));
  }

  private swap(a: number, b: number): void {
    const e = this.heap[a] as SecurityEvent;
    this.heap[a] = this.heap[b] as SecurityEvent;
    this.heap[b] = e;
    const s = this.heapSeq[a] as number;
    this.heapSeq[a] = this.heapSeq[b] as number;
    this.heapSeq[b] = s;
  }

  private heapPush(event: SecurityEvent, seq: number): void {
    this.heap.push(event);
    this.heapSeq.push(seq);
    let i = this.heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private heapPop(): SecurityEvent {
    const top = this.heap[0] as SecurityEvent;
    const last = this.heap.length - 1;
    this.swap(0, last);
    this.heap.pop();
    this.heapSeq.pop();
    let i = 0;
    const n = this.heap.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.less(l, m)) m = l;
      if (r < n && this.less(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    return top;
  }
}

/**
 * A bounded memo for the redirect's hot path (bot check per user agent, keyed hashes per address): an
 * approximate LRU in two generations. Hits in the young generation cost one Map lookup; hits in the old one
 * move the entry to the young one; when the young generation is full it becomes the old one and the previous
 * old generation (the least recently used entries) is dropped. At most `2 × size` entries are held.
 */
export class BoundedMemo<V> {
  private young = new Map<string, V>();
  private old = new Map<string, V>();

  constructor(
    private readonly fn: (key: string) => V,
    private readonly size = 10_000,
  ) {}

  get(key: string): V {
    let v = this.young.get(key);
    if (v !== undefined) return v;
    v = this.old.get(key);
    if (v === undefined) v = this.fn(key);
    if (this.young.size >= this.size) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, v);
    return v;
  }
}

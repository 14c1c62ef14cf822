/**
 * A Durable Object's alarm, with the time it is set for kept in memory: the
 * object is single-threaded and the only one setting it, so arming it on a
 * hot path costs no storage read after the first.
 */
export class Alarm {
  private at: number | null | undefined;

  constructor(private readonly storage: DurableObjectStorage) {}

  /** Sets the alarm for `at` unless it is already set sooner and not yet past. */
  async ensure(at: number): Promise<void> {
    if (this.at === undefined) this.at = await this.storage.getAlarm();
    if (this.at === null || this.at > at || this.at < Date.now()) {
      await this.storage.setAlarm(at);
      this.at = at;
    }
  }

  /** From inside the alarm handler (which has just used the alarm up): sets it for the earliest of `times`, or leaves it unset. */
  async rearm(times: ReadonlyArray<number | null>): Promise<void> {
    const next = times.filter((at): at is number => at !== null);
    this.at = null;
    if (next.length > 0) {
      this.at = Math.min(...next);
      await this.storage.setAlarm(this.at);
    }
  }
}

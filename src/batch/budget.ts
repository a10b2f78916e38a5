/**
 * A counting semaphore over a shared quantity (pixels in flight, pages in flight), so
 * memory stays bounded however many files and workers run at once.
 */
export class Budget {
  private used = 0;
  private readonly waiting: Array<{ amount: number; wake: () => void }> = [];

  constructor(readonly limit: number) {}

  get inUse(): number {
    return this.used;
  }

  /**
   * Waits until `amount` fits. One request larger than the whole budget is let in alone
   * (nothing else in flight), so it is slow but never stuck. First come, first served:
   * a large request is not starved by small ones behind it.
   */
  async acquire(amount: number): Promise<void> {
    if (this.waiting.length === 0 && this.fits(amount)) {
      this.used += amount;
      return;
    }
    await new Promise<void>((wake) => this.waiting.push({ amount, wake }));
  }

  release(amount: number): void {
    this.used = Math.max(0, this.used - amount);
    while (this.waiting.length > 0 && this.fits(this.waiting[0]!.amount)) {
      const next = this.waiting.shift()!;
      this.used += next.amount;
      next.wake();
    }
  }

  private fits(amount: number): boolean {
    return this.used === 0 || this.used + amount <= this.limit;
  }
}
